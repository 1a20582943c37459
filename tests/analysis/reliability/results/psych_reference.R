# Reference values for tests/analysis/reliability: psych::alpha and psych::omega.
# Run from the repository root:  Rscript tests/analysis/reliability/results/psych_reference.R
# Written with R 4.2.2, psych 2.2.9 (Debian bookworm r-cran-psych); outputs beside this file.
suppressPackageStartupMessages(library(psych))
files <- "tests/analysis/reliability/files"
out <- "tests/analysis/reliability/results"

# Tight one-factor minres solution: principal axes iterated to convergence reach the same
# fixed point as minres (zero gradient of the off-diagonal residual sum of squares).
tight_loadings <- function(R) {
  f <- fa(R, nfactors = 1, fm = "pa", min.err = 1e-14, max.iter = 1e5, warnings = FALSE)
  l <- as.vector(f$loadings)
  if (sum(l) < 0) -l else l
}

omega_from <- function(R, l) {  # psych::omegah's omega.tot for one factor, incl. its sign flip
  key <- sign(l); key[key == 0] <- 1
  m <- diag(key) %*% R %*% diag(key)
  (sum(m) - sum(1 - l^2)) / sum(m)
}

totals <- list(); items <- list()
one <- function(dataset, scale, group, x) {
  x <- x[rowSums(!is.na(x)) > 0, , drop = FALSE]       # pupils with no answer on the scale
  a <- alpha(x, warnings = FALSE)
  t <- a$total; k <- ncol(x)
  z <- qnorm(0.975)
  row <- data.frame(dataset = dataset, scale = scale, group = group, n = nrow(x), n_items = k,
                    raw_alpha = t$raw_alpha, std_alpha = t$std.alpha, average_r = t$average_r,
                    ase = t$ase, mean = t$mean, sd = t$sd,
                    feldt_low = a$feldt$lower.ci[[1]], feldt_high = a$feldt$upper.ci[[1]],
                    duhachek_low = t$raw_alpha - z * t$ase, duhachek_high = t$raw_alpha + z * t$ase,
                    omega_tot = NA, omega_tot_tight = NA)
  if (k >= 3) {
    om <- suppressMessages(suppressWarnings(omega(x, nfactors = 1, fm = "minres", plot = FALSE)))
    R <- cor(x, use = "pairwise")
    row$omega_tot <- om$omega.tot
    row$omega_tot_tight <- omega_from(R, tight_loadings(R))
    mr <- as.vector(fa(R, nfactors = 1, fm = "minres")$loadings)
  }
  totals[[length(totals) + 1]] <<- row
  s <- a$item.stats; d <- a$alpha.drop
  items[[length(items) + 1]] <<- data.frame(
    dataset = dataset, scale = scale, group = group, item = colnames(x),
    n = s$n, mean = s$mean, sd = s$sd, raw_r = s$raw.r, r_drop = s$r.drop,
    alpha_drop = d$raw_alpha, alpha_drop_std = d$std.alpha,
    loading_minres = if (k >= 3) if (sum(mr) < 0) -mr else mr else NA,
    loading_tight = if (k >= 3) tight_loadings(cor(x, use = "pairwise")) else NA)
}

both <- function(dataset, scale, x, language) {
  one(dataset, scale, "all", x)
  for (g in sort(unique(language))) one(dataset, scale, g, x[language == g, , drop = FALSE])
}

d6 <- read.csv(file.path(files, "items6.csv"))
both("items6", "x", d6[, paste0("x", 1:6)], d6$language)

sr <- read.csv(file.path(files, "small_responses.csv"))
for (v in c("happy_1", "happy_2", "happy_3", "sad_1", "sad_2")) sr[[v]][sr[[v]] == 99] <- NA
sr$happy_3 <- 5 - sr$happy_3                            # reverse-coded on the 1..4 scale
both("small", "life_satisfaction", sr[, c("happy_1", "happy_2", "happy_3")], sr$language)
both("small", "sadness", sr[, c("sad_1", "sad_2")], sr$language)

write.csv(do.call(rbind, totals), file.path(out, "psych_alpha_total.csv"), row.names = FALSE)
write.csv(do.call(rbind, items), file.path(out, "psych_alpha_items.csv"), row.names = FALSE)
