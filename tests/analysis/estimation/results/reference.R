# Reference values for analysis/estimation, produced with R's survey package.
# Run from this folder:  Rscript reference.R
# Reads city.csv and enrolment.csv (made by make_fixtures.py) and writes
# reference_estimates.csv and reference_contrasts.csv.
suppressPackageStartupMessages(library(survey))
d <- read.csv("city.csv", stringsAsFactors = FALSE, na.strings = c("", "NA"))
enrol <- read.csv("enrolment.csv", stringsAsFactors = FALSE)
d$cell <- paste(d$school, d$grade, d$gender, sep = ".")
d$grade_gender <- paste(d$grade, d$gender, sep = ".")
enrol$cell <- paste(enrol$school, enrol$grade, enrol$gender, sep = ".")

means <- c("life_satisfaction", "self_esteem")
shares <- list(c("wellbeing_index", "thriving"), c("bullied_often", "yes"),
               c("has_friend", "yes"))

one_row <- function(scen, stat, g, m, est, se, df, lo, hi, lo2 = NA, hi2 = NA)
  data.frame(scenario = scen, statistic = stat, group = g, measure = m,
             estimate = as.numeric(est), se = as.numeric(se), df = as.numeric(df),
             ci_low = as.numeric(lo), ci_high = as.numeric(hi),
             ci_low_logit = as.numeric(lo2), ci_high_logit = as.numeric(hi2),
             row.names = NULL)

estimates <- function(des, scen) {
  out <- list()
  groups <- sort(unique(d$district[!is.na(d$district)]))
  for (g in c(groups, "all")) {
    sub <- if (g == "all") des else subset(des, district == g)
    df <- degf(sub)
    for (m in means) {
      f <- as.formula(paste0("~", m))
      est <- svymean(f, sub, na.rm = TRUE)
      ci <- confint(est, df = df)
      out[[length(out) + 1]] <- one_row(scen, "mean", g, m, coef(est), SE(est), df,
                                        ci[1], ci[2])
    }
    for (s in shares) {
      f <- as.formula(sprintf("~I(%s == '%s')", s[1], s[2]))
      b <- svyciprop(f, sub, method = "beta", na.rm = TRUE)
      l <- tryCatch(attr(svyciprop(f, sub, method = "logit", na.rm = TRUE), "ci"),
                    error = function(e) c(NA, NA), warning = function(w) c(NA, NA))
      out[[length(out) + 1]] <- one_row(scen, "share", g, paste0(s[1], "=", s[2]),
                                        as.numeric(b), sqrt(as.numeric(attr(b, "var"))), df,
                                        attr(b, "ci")[1], attr(b, "ci")[2], l[1], l[2])
    }
  }
  # svyby must agree with the subset-by-subset results above
  by <- svyby(~self_esteem, ~district, des, svymean, na.rm = TRUE)
  chk <- do.call(rbind, out)
  chk <- chk[chk$measure == "self_esteem" & chk$group != "all", ]
  stopifnot(all.equal(unname(coef(by)), chk$estimate), all.equal(unname(SE(by)), chk$se))
  do.call(rbind, out)
}

# district mean minus city mean, as a nonlinear contrast of totals in the same design
contrasts <- function(des, scen) {
  out <- list()
  groups <- sort(unique(d$district[!is.na(d$district)]))
  v <- des$variables
  for (m in c("life_satisfaction", "wellbeing_index")) {
    y <- if (m == "wellbeing_index") as.numeric(v[[m]] == "thriving") else v[[m]]
    ok <- !is.na(y)
    for (g in groups) {
      dom <- ok & !is.na(v$district) & v$district == g
      des2 <- update(des, y_dom = ifelse(dom, y, 0), n_dom = as.numeric(dom),
                     y_all = ifelse(ok, y, 0), n_all = as.numeric(ok))
      tot <- svytotal(~y_dom + n_dom + y_all + n_all, des2)
      ctr <- svycontrast(tot, quote(y_dom / n_dom - y_all / n_all))
      out[[length(out) + 1]] <- data.frame(scenario = scen, group = g,
        measure = if (m == "wellbeing_index") "wellbeing_index=thriving" else m,
        diff = as.numeric(coef(ctr)), se = as.numeric(SE(ctr)))
    }
  }
  do.call(rbind, out)
}

set_lonely <- function(option, domain = FALSE)
  options(survey.lonely.psu = option, survey.adjust.domain.lonely = domain)

set_lonely("adjust")
unweighted <- svydesign(ids = ~school, probs = ~1, data = d)
weighted <- svydesign(ids = ~school, weights = ~weight, data = d)
stratified <- svydesign(ids = ~school, strata = ~muni, weights = ~weight, data = d)
lonely <- svydesign(ids = ~school, strata = ~muni_lonely, weights = ~weight, data = d)
school_pop <- aggregate(Freq ~ school, enrol, sum)
gg_pop <- aggregate(Freq ~ grade + gender, enrol, sum)
gg_pop$grade_gender <- paste(gg_pop$grade, gg_pop$gender, sep = ".")
# cells that cut across schools: the calibration residuals change the variance
poststrat <- postStratify(stratified, ~grade_gender, gg_pop[, c("grade_gender", "Freq")])
# cells nested in schools (school x grade x gender): every school total of the
# residuals is zero, so the one-stage with-replacement variance is zero
poststrat_school <- postStratify(stratified, ~cell, enrol[, c("cell", "Freq")])
raked <- rake(stratified, list(~school, ~grade_gender),
              list(school_pop, gg_pop[, c("grade_gender", "Freq")]),
              control = list(maxit = 200, epsilon = 1e-13))
# the raked weights reproduce both margins
stopifnot(all.equal(as.vector(svytotal(~factor(school), raked)), school_pop$Freq))

res <- list(estimates(unweighted, "unweighted"), estimates(weighted, "weighted"),
            estimates(stratified, "stratified"), estimates(poststrat, "poststrat"),
            estimates(poststrat_school, "poststrat_school"),
            estimates(raked, "raked"))
ctr <- list(contrasts(weighted, "weighted"), contrasts(stratified, "stratified"),
            contrasts(poststrat, "poststrat"), contrasts(raked, "raked"))
for (opt in c("adjust", "average", "certainty", "remove")) {
  set_lonely(opt)
  res[[length(res) + 1]] <- estimates(lonely, paste0("lonely_", opt))
  ctr[[length(ctr) + 1]] <- contrasts(lonely, paste0("lonely_", opt))
  set_lonely(opt, TRUE)
  res[[length(res) + 1]] <- suppressWarnings(estimates(lonely, paste0("lonely_", opt, "_domain")))
}
set_lonely("fail")
failed <- tryCatch(svymean(~self_esteem, lonely), error = function(e) "error")
stopifnot(identical(failed, "error"))
set_lonely("adjust")

write.csv(do.call(rbind, res), "reference_estimates.csv", row.names = FALSE)
write.csv(do.call(rbind, ctr), "reference_contrasts.csv", row.names = FALSE)
# the weights of the calibrated designs, to check the weighting functions directly
write.csv(data.frame(poststrat = weights(poststrat),
                     poststrat_school = weights(poststrat_school), raked = weights(raked)),
          "reference_weights.csv", row.names = FALSE)
p <- c(0.001, 0.02, 0.03, 0.2, 0.04, NA, 0.5, 0.013, 0.9, 0.0004)
write.csv(data.frame(p = p, holm = p.adjust(p, "holm"), BH = p.adjust(p, "BH"),
                     bonferroni = p.adjust(p, "bonferroni")),
          "reference_padjust.csv", row.names = FALSE)
writeLines(c(R.version.string, paste("survey", packageVersion("survey"))), "R_VERSION.txt")
