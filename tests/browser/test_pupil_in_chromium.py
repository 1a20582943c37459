"""The pupil's survey in headless Chromium: axe-core finds no WCAG 2.1 A/AA violation,
phones get a layout without horizontal scrolling, keyboard and right-to-left work,
the flow needs no JavaScript, and read-aloud speaks on the device."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NEXT = {"de": "Weiter", "ar": "التالي"}
SEND = {"de": "Antworten abschicken", "ar": "أرسل إجاباتي"}


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the current page, as readable lines."""
    # Evaluated through the DevTools protocol: the page's CSP allows no injected script tag.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [f"{v['id']}: {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]]


def navigate(page, locator) -> None:
    """Click a button or link that loads a new page, and wait until it has loaded."""
    with page.expect_navigation(wait_until="load"):
        locator.click()


def start(page, live, lang: str):
    """Open the start page in ``lang`` and enter a fresh code."""
    page.goto(f"{live.url}/language/{lang}")
    page.fill("#code", live.code())
    navigate(page, page.locator("form.start-form [type=submit]"))


def click_option(page, name: str, value: str):
    """Tap the label of an answer option, as a pupil does."""
    radio = page.locator(f'input[name="{name}"][value="{value}"]')
    page.locator(f'label[for="{radio.get_attribute("id")}"]').click()


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_axe_finds_no_violations_on_any_pupil_page(page_factory, live, lang):
    page = page_factory()
    checked = {}
    page.goto(f"{live.url}/language/{lang}")
    checked["start"] = axe_violations(page)
    page.fill("#code", "ZZZZ-ZZZZ-ZZ")  # the start page with its error message
    navigate(page, page.locator("form.start-form [type=submit]"))
    checked["start with error"] = axe_violations(page)
    page.fill("#code", live.code())
    navigate(page, page.locator("form.start-form [type=submit]"))
    checked["assent"] = axe_violations(page)
    navigate(page, page.locator("form [type=submit]"))
    checked["page 1: number, single choice"] = axe_violations(page)
    page.fill("#q_grade", "6")
    click_option(page, "q_gender", "2")
    navigate(page, page.get_by_role("button", name=NEXT[lang], exact=True))
    checked["page 2: district list with map"] = axe_violations(page)
    click_option(page, "q_district", "dont_know")
    navigate(page, page.get_by_role("button", name=NEXT[lang], exact=True))
    click_option(page, "q_happy_1", "4")
    checked["page 3: rating with smileys"] = axe_violations(page)
    navigate(page, page.get_by_role("button", name=NEXT[lang], exact=True))
    click_option(page, "q_club", "1")
    page.fill("#q_club_name", "Schach")
    checked["page 4: yes/no, text"] = axe_violations(page)
    navigate(page, page.get_by_role("button", name=SEND[lang], exact=True))
    assert page.url.endswith("/survey/thanks")
    checked["thank-you"] = axe_violations(page)
    problems = {name: found for name, found in checked.items() if found}
    assert not problems, problems


@pytest.mark.parametrize("width", [320, 360])
def test_phones_get_stacked_scales_without_horizontal_scrolling(page_factory, live, width):
    page = page_factory(width=width, height=740, has_touch=True, is_mobile=True)
    start(page, live, "ar")
    navigate(page, page.locator("form [type=submit]"))
    for _step in range(4):
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
        small = page.evaluate("""() => [...document.querySelectorAll(
              'main button:not(.speak), main a, .option label, .languages a, .languages button, .answer-line input')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.textContent.trim().slice(0, 30), e.getBoundingClientRect()])
            .filter(([, r]) => r.width < 44 || r.height < 44).map(([t]) => t)""")
        assert not small, f"touch targets under 44x44 px on {page.url}: {small}"
        if page.locator(".options-rating").count():
            lefts = page.evaluate("""() => [...document.querySelectorAll(
                '#q-happy_1 .options-rating .option')].map(o => Math.round(o.getBoundingClientRect().left))""")
            assert len(set(lefts)) == 1, lefts  # one column: the options stack
            if width == 360:
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "pupil-rating-page-ar-360px.png"),
                                full_page=True)
        navigate(page, page.locator("button.primary"))
    assert (ARTIFACTS / "pupil-rating-page-ar-360px.png").exists() or width == 320


def test_arabic_pages_are_mirrored(page_factory, live):
    page = page_factory()
    start(page, live, "ar")
    navigate(page, page.locator("form [type=submit]"))
    assert page.evaluate("document.documentElement.dir") == "rtl"
    back = page.get_by_role("button", name="رجوع", exact=True).bounding_box()
    forward = page.get_by_role("button", name=NEXT["ar"], exact=True).bounding_box()
    assert forward["x"] < back["x"]  # "next" is on the left in right-to-left writing
    legend = page.locator("#q-gender legend").bounding_box()
    first_option = page.locator("#q-gender .option label").first.bounding_box()
    main = page.locator("main").bounding_box()
    assert legend["x"] + legend["width"] > main["x"] + main["width"] - 40  # starts at the right
    assert first_option["x"] + first_option["width"] > main["x"] + main["width"] - 80


def test_keyboard_only_with_visible_focus(page_factory, live):
    page = page_factory()
    page.goto(f"{live.url}/language/de")
    page.keyboard.press("Tab")  # skip link first
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "code":
            break
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.type(live.code().lower().replace("-", " "))
    page.keyboard.press("Enter")
    page.wait_for_url("**/survey/assent")
    page.locator("form [type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/survey/page/1")
    page.locator("#q_grade").focus()
    page.keyboard.type("7")
    page.keyboard.press("Tab")  # to the first gender option (read-aloud buttons stay hidden)
    page.keyboard.press("Space")
    focused_label = page.evaluate("""() => { const i = document.activeElement;
        const l = document.querySelector(`label[for="${i.id}"]`);
        return [i.name, getComputedStyle(l).outlineStyle, getComputedStyle(l).outlineWidth]; }""")
    assert focused_label[0] == "q_gender" and focused_label[1] != "none"
    page.keyboard.press("ArrowDown")  # arrow keys move within the group
    page.locator("#q_grade").focus()
    page.keyboard.press("Enter")  # Enter in a field means "next"
    page.wait_for_url("**/survey/page/2")
    page.goto(f"{live.url}/survey/page/1")
    assert page.locator("#q_grade").input_value() == "7"
    assert page.locator("input[name=q_gender]:checked").get_attribute("value") == "2"


def test_a_saved_page_shows_the_next_pages_address_and_reload_sends_nothing(page_factory, live):
    """The save answers with the next page (no redirect): the address becomes that page's,
    so reloading shows it again instead of sending the form once more, and the browser's
    back button goes to the page before."""
    page = page_factory()
    start(page, live, "de")
    navigate(page, page.locator("form [type=submit]"))
    page.fill("#q_grade", "6")
    posts = []
    page.on("request", lambda request: posts.append(request.url)
            if request.method == "POST" else None)
    navigate(page, page.get_by_role("button", name="Weiter", exact=True))
    page.wait_for_url("**/survey/page/2")
    assert len(posts) == 1 and "Seite 2 von" in page.content()
    page.reload(wait_until="load")
    assert page.url.endswith("/survey/page/2") and len(posts) == 1
    page.go_back(wait_until="load")
    assert page.url.endswith("/survey/page/1")
    assert page.locator("#q_grade").input_value() == "6"


def test_the_code_and_the_assent_show_their_pages_addresses_and_reload_sends_nothing(
        page_factory, live):
    """The code is answered with the assent page and the assent with page 1 (no redirects,
    issue 12): each shows its own address, reloading sends nothing again, and "back" from
    page 1 leads to the assent page."""
    page = page_factory()
    posts = []
    page.on("request", lambda request: posts.append(request.url)
            if request.method == "POST" else None)
    start(page, live, "de")
    assert page.url.endswith("/survey/assent") and "Bevor es losgeht" in page.content()
    page.reload(wait_until="load")
    assert page.url.endswith("/survey/assent") and len(posts) == 1
    navigate(page, page.locator("form [type=submit]"))
    assert page.url.endswith("/survey/page/1") and "Seite 1 von" in page.content()
    page.reload(wait_until="load")
    assert page.url.endswith("/survey/page/1") and len(posts) == 2
    page.go_back(wait_until="load")
    assert page.url.endswith("/survey/assent") and len(posts) == 2


def test_the_survey_works_without_javascript(page_factory, live):
    page = page_factory(java_script_enabled=False)
    start(page, live, "de")
    navigate(page, page.locator("form [type=submit]"))
    navigate(page, page.get_by_role("button", name="Weiter", exact=True))
    navigate(page, page.get_by_role("button", name="Weiter", exact=True))
    navigate(page, page.get_by_role("button", name="Weiter", exact=True))
    assert not page.locator("#q-club_name").is_visible()  # shown only after "yes" (CSS)
    click_option(page, "q_club", "1")
    assert page.locator("#q-club_name").is_visible()
    page.fill("#q_club_name", "Turnverein")
    navigate(page, page.get_by_role("button", name="Antworten abschicken", exact=True))
    assert page.url.endswith("/survey/thanks")


FAKE_SPEECH = """
window.__spoken = [];
Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: {
  getVoices: () => (window.__voices || [{lang: 'ar-SA'}, {lang: 'de-DE'}]),
  speak: (u) => window.__spoken.push([u.text, u.lang]), cancel: () => {},
  addEventListener: () => {}, onvoiceschanged: null}});
Object.defineProperty(window, 'SpeechSynthesisUtterance', {configurable: true,
  value: function (text) { this.text = text; }});
"""


def test_read_aloud_has_one_control_per_question_and_one_for_the_page(page_factory, live):
    page = page_factory()
    page.add_init_script(FAKE_SPEECH)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    start(page, live, "ar")
    navigate(page, page.locator("form [type=submit]"))
    questions = page.locator("main .question:visible").count()
    assert questions >= 2
    assert page.locator("button.speak:visible").count() == questions  # not one per option
    assert page.locator(".option button.speak").count() == 0
    page.locator("#q-gender button.speak").click()
    spoken = page.evaluate("window.__spoken")
    assert spoken[0] == ["هل أنت ...", "ar"] and ["بنت", "ar"] in spoken  # question, options
    page.evaluate("window.__spoken = []")
    page.locator("#read-page").click()
    spoken = [text for text, _lang in page.evaluate("window.__spoken")]
    assert spoken[0] == page.locator("main h1").inner_text().strip()
    assert "هل أنت ..." in spoken and "بنت" in spoken  # every question shown, in order
    assert not page.locator("#read-aloud-none").is_visible()
    assert all(url.startswith(live.url) for url in requests)  # nothing leaves for elsewhere


def test_read_aloud_says_plainly_when_the_device_has_no_voice(page_factory, live):
    page = page_factory()
    page.add_init_script(FAKE_SPEECH + "window.__voices = [{lang: 'de-DE'}];")
    start(page, live, "ar")
    navigate(page, page.locator("form [type=submit]"))
    note = page.locator("#read-aloud-none")
    note.wait_for(state="visible")
    assert "لا يوجد" in note.inner_text()  # in the pupil's language
    assert page.locator("button.speak:visible").count() == 0
    assert not page.locator("#read-page").is_visible()


def test_the_axe_harness_reports_violations(page_factory):
    page = page_factory()
    page.set_content("<html><body><img src='x.png'><p style='color:#ccc'>grey</p></body></html>")
    found = " ".join(axe_violations(page))
    assert "image-alt" in found and "html-has-lang" in found and "color-contrast" in found
