# Reference values for tests/survey/test_estimators.py and tests/survey/test_calibration.py.
#
# Produced with R 4.2.2 and the 'survey' package 4.1-1 (Debian bookworm packages
# r-base-core, r-cran-survey, r-cran-mass), running from this directory:
#
#     Rscript r_survey_reference.R
#
# Writes
#   apistrat.csv                      data(api) apistrat, the columns the tests use
#   apiclus1.csv                      data(api) apiclus1, the columns the tests use
#   r_survey_estimates.csv            estimates, SEs and confidence intervals
#   r_survey_calibration_weights.csv  calibrated weights of apiclus1 (rake / calibrate)
suppressPackageStartupMessages(library(survey))
data(api)

keep_strat <- c("snum", "stype", "awards", "sch.wide", "comp.imp", "api00", "api99",
                "enroll", "pw", "fpc")
keep_clus <- c("dnum", "snum", "stype", "sch.wide", "api00", "api99", "enroll", "pw", "fpc")
write.csv(apistrat[, keep_strat], "apistrat.csv", row.names = FALSE)
write.csv(apiclus1[, keep_clus], "apiclus1.csv", row.names = FALSE)

dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
dstrat_nofpc <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)

rows <- list()
add <- function(design_name, design, statistic, variable, domain, est, se, ci) {
  rows[[length(rows) + 1]] <<- data.frame(
    design = design_name, statistic = statistic, variable = variable, domain = domain,
    estimate = unname(est), se = unname(se), ci_lower = unname(ci[1]),
    ci_upper = unname(ci[2]), df = degf(design))
}
stat <- function(design_name, design, statistic, variable, obj) {
  ci <- confint(obj, df = degf(design))
  add(design_name, design, statistic, variable, "all", coef(obj), SE(obj), ci[1, ])
}

# t-based intervals with the design degrees of freedom (degf = n_psu - n_strata)
stat("dstrat", dstrat, "total", "enroll", svytotal(~enroll, dstrat))
stat("dstrat", dstrat, "mean", "api00", svymean(~api00, dstrat))
stat("dstrat", dstrat, "mean", "enroll", svymean(~enroll, dstrat))
r <- svyratio(~api00, ~api99, dstrat)
ci <- confint(r, df = degf(dstrat))
add("dstrat", dstrat, "ratio", "api00/api99", "all", coef(r), SE(r), ci[1, ])
stat("dstrat_nofpc", dstrat_nofpc, "total", "enroll", svytotal(~enroll, dstrat_nofpc))
stat("dstrat_nofpc", dstrat_nofpc, "mean", "api00", svymean(~api00, dstrat_nofpc))
stat("dclus1", dclus1, "total", "enroll", svytotal(~enroll, dclus1))
stat("dclus1", dclus1, "mean", "api00", svymean(~api00, dclus1))

# domains (svyby keeps the whole design: domain estimation)
for (spec in list(list("total", svytotal, ~enroll, "enroll"),
                  list("mean", svymean, ~api00, "api00"))) {
  b <- svyby(spec[[3]], ~awards, dstrat, spec[[2]])
  ci <- confint(b, df = degf(dstrat))
  for (i in seq_len(nrow(b))) {
    add("dstrat", dstrat, spec[[1]], spec[[4]], paste0("awards=", b$awards[i]),
        coef(b)[i], SE(b)[i], ci[i, ])
  }
}
b <- svyby(~api00, ~awards, dstrat, svyratio, denominator = ~api99)
ci <- confint(b, df = degf(dstrat))
for (i in seq_len(nrow(b))) {
  add("dstrat", dstrat, "ratio", "api00/api99", paste0("awards=", b$awards[i]),
      coef(b)[i], SE(b)[i], ci[i, ])
}

# proportions: logit intervals (svyciprop, method = "logit", df = degf)
p <- svyciprop(~I(sch.wide == "Yes"), dstrat, method = "logit")
add("dstrat", dstrat, "proportion", "sch.wide==Yes", "all", as.vector(p),
    sqrt(as.vector(attr(p, "var"))), attr(p, "ci"))
for (a in c("No")) {  # awards == "Yes" implies comp.imp == "Yes" (degenerate)
  sub <- subset(dstrat, awards == a)
  p <- svyciprop(~I(comp.imp == "Yes"), sub, method = "logit", df = degf(dstrat))
  add("dstrat", dstrat, "proportion", "comp.imp==Yes", paste0("awards=", a), as.vector(p),
      sqrt(as.vector(attr(p, "var"))), attr(p, "ci"))
}
write.csv(do.call(rbind, rows), "r_survey_estimates.csv", row.names = FALSE)

# calibration of apiclus1 (examples of ?rake and ?calibrate)
pop.types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop.schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
rclus1 <- rake(dclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
               control = list(maxit = 1000, epsilon = 1e-12, verbose = FALSE))
pop.totals <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069)
lin <- calibrate(dclus1, ~stype + api99, pop.totals, epsilon = 1e-12)
lin_b <- calibrate(dclus1, ~stype + api99, pop.totals, bounds = c(0.6, 1.6),
                   epsilon = 1e-12, maxit = 200)
logit_b <- calibrate(dclus1, ~stype + api99, pop.totals, bounds = c(0.6, 1.6),
                     calfun = "logit", epsilon = 1e-12, maxit = 200)
rake_b <- calibrate(dclus1, ~stype + api99, pop.totals, bounds = c(0.6, 1.6),
                    calfun = "raking", epsilon = 1e-12, maxit = 200)
rake_n <- calibrate(dclus1, ~stype + api99, pop.totals, calfun = "raking",
                    epsilon = 1e-12, maxit = 200)
write.csv(data.frame(snum = apiclus1$snum, design = weights(dclus1),
                     rake_stype_schwide = weights(rclus1),
                     linear_stype_api99 = weights(lin),
                     linear_bounded = weights(lin_b),
                     logit_bounded = weights(logit_b),
                     raking_bounded = weights(rake_b),
                     raking_stype_api99 = weights(rake_n)),
          "r_survey_calibration_weights.csv", row.names = FALSE)
# point estimates with the raked weights (SEs in R account for calibration; ours do not)
cat("svymean(~api00, rclus1):", format(coef(svymean(~api00, rclus1)), digits = 15), "\n")
cat("svytotal(~enroll, lin):", format(coef(svytotal(~enroll, lin)), digits = 15), "\n")
