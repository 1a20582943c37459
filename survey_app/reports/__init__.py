"""Printable reports and data packages of a wave, built from the stored, released results.

Nothing here estimates anything: every figure is a row of ``result_estimate``
exactly as the planner pages show it, so a suppressed group has no number in
any file (the stored row holds none). The modules:

- :mod:`.content` gathers a wave's stored figures for one municipality, with
  German and English labels from the questionnaire definition;
- :mod:`.package` writes the data package (CSV, XLSX, SPSS, GeoJSON, the
  definition and its codebook) as a zip;
- :mod:`.pdf` renders the wave report (HTML and the pages' SVG map through
  WeasyPrint, as tagged PDF/UA-1), with :mod:`.trends` (the city across the
  earlier comparable waves) and :mod:`.appendix` (stored reliability, item
  wording);
- :mod:`.region` renders the region report (municipalities side by side, then
  each by district); :mod:`.documents` the district and school reports.
"""
