# Reference values for the three designs (analysis.designs), with R's survey package.
# Run from this folder:  Rscript designs.R
# Reads designs_city.csv and designs_enrolment.csv (made by make_designs_fixture.py)
# and writes reference_designs.csv and reference_designs_contrasts.csv.
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "adjust")
d <- read.csv("designs_city.csv", stringsAsFactors = FALSE, na.strings = c("", "NA"))
e <- read.csv("designs_enrolment.csv", stringsAsFactors = FALSE)

# Weighting cells school x grade x gender; gender is dropped within school and grade
# where a respondent has no (or an unknown) gender or enrolled pupils have no respondent.
e$parent <- paste(e$school, e$grade, sep = "|")
e$full <- paste(e$parent, e$gender, sep = "|")
d$parent <- paste(d$school, d$grade, sep = "|")
d$full <- ifelse(is.na(d$gender), NA, paste(d$parent, d$gender, sep = "|"))
unmatched <- is.na(d$full) | !(d$full %in% e$full)
empty <- e$pupils > 0 & !(e$full %in% d$full)
collapse <- unique(c(d$parent[unmatched], e$parent[empty]))
d$cell <- ifelse(d$parent %in% collapse, paste0(d$parent, "|*"), d$full)
e$cell <- ifelse(e$parent %in% collapse, paste0(e$parent, "|*"), e$full)
pop <- aggregate(pupils ~ cell, e, sum)
pop <- pop[pop$cell %in% d$cell, ]
d$enrolled <- pop$pupils[match(d$cell, pop$cell)]
stopifnot(!anyNA(d$enrolled))
# the fixture's edge cases are there
n_cell <- table(d$cell)
stopifnot(any(n_cell == 1), any(n_cell == pop$pupils[match(names(n_cell), pop$cell)]),
          "S3|5|*" %in% d$cell, "S5|7|*" %in% d$cell)

# census with nonresponse: a stratified sample without replacement within cells
census <- svydesign(ids = ~1, strata = ~cell, fpc = ~enrolled, data = d)
# sample of schools: post-stratified weights, then used as fixed weights
names(pop) <- c("cell", "Freq")
ps <- postStratify(svydesign(ids = ~school, probs = ~1, data = d), ~cell, pop)
d$w <- weights(ps)
schools <- svydesign(ids = ~school, weights = ~w, data = d)
# sample of classes within schools (schools as strata)
d$class_id <- paste(d$school, d$class, sep = "|")
classes <- svydesign(ids = ~class_id, strata = ~school, weights = ~w, data = d)

means <- c("life_satisfaction")
shares <- list(c("wellbeing_index", "thriving"), c("bullied_often", "yes"),
               c("has_friend", "yes"))

# ci_low/ci_high: confint (means) or svyciprop(method = "beta") (shares);
# ci_low_logit/ci_high_logit: svyciprop(method = "logit") (shares; NA for means, and where
# the logit fit does not converge: shares of exactly 0 or 1)
one_row <- function(scen, stat, g, m, est, se, df, lo, hi, llo = NA, lhi = NA)
  data.frame(scenario = scen, statistic = stat, group = g, measure = m,
             estimate = as.numeric(est), se = as.numeric(se), df = as.numeric(df),
             ci_low = as.numeric(lo), ci_high = as.numeric(hi),
             ci_low_logit = as.numeric(llo), ci_high_logit = as.numeric(lhi), row.names = NULL)

estimates <- function(des, scen) {
  out <- list()
  for (g in c(sort(unique(d$district)), "all")) {
    sub <- if (g == "all") des else subset(des, district == g)
    df <- degf(sub)
    for (m in means) {
      est <- svymean(as.formula(paste0("~", m)), sub, na.rm = TRUE)
      ci <- confint(est, df = df)
      out[[length(out) + 1]] <- one_row(scen, "mean", g, m, coef(est), SE(est), df,
                                        ci[1], ci[2])
    }
    for (s in shares) {
      f <- as.formula(sprintf("~I(%s == '%s')", s[1], s[2]))
      b <- suppressWarnings(svyciprop(f, sub, method = "beta", na.rm = TRUE))
      l <- tryCatch(attr(svyciprop(f, sub, method = "logit", na.rm = TRUE), "ci"),
                    error = function(e) c(NA, NA), warning = function(w) c(NA, NA))
      out[[length(out) + 1]] <- one_row(scen, "share", g, paste0(s[1], "=", s[2]),
                                        as.numeric(b), sqrt(as.numeric(attr(b, "var"))), df,
                                        attr(b, "ci")[1], attr(b, "ci")[2], l[1], l[2])
    }
  }
  by <- svyby(~life_satisfaction, ~district, des, svymean, na.rm = TRUE)
  chk <- do.call(rbind, out)
  chk <- chk[chk$measure == "life_satisfaction" & chk$group != "all", ]
  stopifnot(all.equal(unname(coef(by)), chk$estimate), all.equal(unname(SE(by)), chk$se))
  do.call(rbind, out)
}

contrasts <- function(des, scen) {
  out <- list()
  v <- des$variables
  ok <- !is.na(v$life_satisfaction)
  for (g in sort(unique(d$district))) {
    dom <- ok & v$district == g
    des2 <- update(des, y_dom = ifelse(dom, v$life_satisfaction, 0), n_dom = as.numeric(dom),
                   y_all = ifelse(ok, v$life_satisfaction, 0), n_all = as.numeric(ok))
    ctr <- svycontrast(svytotal(~y_dom + n_dom + y_all + n_all, des2),
                       quote(y_dom / n_dom - y_all / n_all))
    out[[length(out) + 1]] <- data.frame(scenario = scen, group = g,
      measure = "life_satisfaction", diff = as.numeric(coef(ctr)), se = as.numeric(SE(ctr)))
  }
  do.call(rbind, out)
}

write.csv(rbind(estimates(census, "census"), estimates(schools, "schools"),
                estimates(classes, "classes")), "reference_designs.csv", row.names = FALSE)
write.csv(rbind(contrasts(census, "census"), contrasts(schools, "schools"),
                contrasts(classes, "classes")), "reference_designs_contrasts.csv",
          row.names = FALSE)
write.csv(data.frame(cell = d$cell, enrolled = d$enrolled, census = weights(census),
                     schools = d$w), "reference_designs_weights.csv", row.names = FALSE)
