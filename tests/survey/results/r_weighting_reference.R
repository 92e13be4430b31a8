# Reference values for tests/survey/test_weighting.py: non-response weighting (response
# homogeneity groups, response propensity + raking) and standard errors of calibrated designs.
#
# Produced with R 4.2.2 and the 'survey' package 4.1-1 (Debian bookworm packages
# r-base-core, r-cran-survey, r-cran-mass), running from this directory:
#
#     Rscript r_weighting_reference.R
#
# Reads
#   weighting_respondents.csv    respondents of the synthetic 2025 frame with the library's
#                                response groups / propensity classes (weighting_reference_data.py)
#   weighting_frame_counts.csv   frame firms and respondents per size_class x nld_area cell
#   apiclus1.csv                 data(api) apiclus1 (written by r_survey_reference.R)
# Writes
#   r_weighting_reference.csv    estimates and SEs (long format, with the R and package versions)
#   r_weighting_weights.csv      R's weights of the respondents (one row per firm)
#   r_weighting_apiclus1_weights.csv  R's calibrated weights of apiclus1
#
# Standard errors of calibrated designs. R replaces the estimating function by the residuals
# of a regression on the calibration variables weighted by the weights *before* calibration
# (svyrecvar, greg_calibration: qr(mm * sqrt(w0))), times the calibrated weights; the Python
# library does the same for calibrate_weights(). Designs named "..._recal" weight that
# regression by the calibrated weights instead (a design whose weights are already the
# calibrated weights, calibrated again to the same totals, g = 1): the variant the library
# uses for the raking margins of its propensity method.
suppressPackageStartupMessages(library(survey))

resp <- read.csv("weighting_respondents.csv", stringsAsFactors = FALSE,
                 colClasses = c(firm_id = "character"))
frame <- read.csv("weighting_frame_counts.csv", stringsAsFactors = FALSE)
size_levels <- c("0-25", "25-100", "100-250", "250-500", "500-2500", "2500+")
area_levels <- c("radars_sensors", "intelligent_systems", "space", "smart_materials",
                 "quantum", "maritime", "other")
for (d in c("resp", "frame")) {
  x <- get(d)
  x$size_class <- factor(x$size_class, levels = size_levels)
  x$nld_area <- factor(x$nld_area, levels = area_levels)
  assign(d, x)
}
N <- sum(frame$count)
T_TURNOVER <- 10.2e9  # L26: D&S turnover 2025 (the synthetic population is calibrated to it)
pop_size <- tapply(frame$count, frame$size_class, sum)
pop_area <- tapply(frame$count, frame$nld_area, sum)
ctl <- list(epsilon = 1e-12, maxit = 200)

rows <- list()
add <- function(design, statistic, variable, domain, estimate, se) {
  rows[[length(rows) + 1]] <<- data.frame(
    design = design, statistic = statistic, variable = variable, domain = domain,
    estimate = unname(estimate), se = unname(se))
}
add_svy <- function(design_name, obj, statistic, domain = "all") {
  est <- coef(obj)
  se <- SE(obj)
  for (i in seq_along(est)) add(design_name, statistic, names(est)[i], domain, est[i], se[i])
}
estimates <- function(design_name, design) {
  add_svy(design_name, svytotal(~turnover_ds_eur + fte_total + one, design), "total")
  add_svy(design_name, svymean(~turnover_ds_eur, design), "mean")
  r <- svyratio(~turnover_ds_eur, ~fte_total, design)
  add(design_name, "ratio", "turnover_ds_eur/fte_total", "all", coef(r), SE(r))
  b <- svyby(~turnover_ds_eur, ~domain, design, svytotal)
  for (i in seq_len(nrow(b))) {
    add(design_name, "total", "turnover_ds_eur", paste0("domain=", b$domain[i]),
        coef(b)[i], SE(b)[i])
  }
}
resp$one <- 1
# R's Newton steps for calfun = "raking" do not converge with a variable of the order of
# 1e7 EUR: the calibrations use the turnover in million EUR (the same weights)
resp$turnover_meur <- resp$turnover_ds_eur / 1e6

# (i) cells: the response groups as strata of a stratified SRS with fpc N_g; R's weights are
# N_g / n_g (no weights given)
dcells <- svydesign(ids = ~firm_id, strata = ~group, fpc = ~N_group, data = resp)
estimates("cells", dcells)

# (ii) calibration of the cells design
#   to the frame's firms by NLD area (one categorical margin: post-stratification)
f_area <- ~ 0 + nld_area
t_area <- setNames(as.numeric(pop_area), paste0("nld_area", names(pop_area)))
cal_area <- calibrate(dcells, f_area, t_area, calfun = "raking",
                      epsilon = ctl$epsilon, maxit = ctl$maxit)
estimates("cells_cal_area", cal_area)
#   to the firms by NLD area and the D&S turnover total
f_at <- ~ 0 + nld_area + turnover_meur
t_at <- c(t_area, turnover_meur = T_TURNOVER / 1e6)
cal_at <- calibrate(dcells, f_at, t_at, calfun = "raking",
                    epsilon = ctl$epsilon, maxit = ctl$maxit)
estimates("cells_cal_area_turnover", cal_at)
resp$w_cal_at <- weights(cal_at)
recal_at <- calibrate(svydesign(ids = ~firm_id, strata = ~group, fpc = ~N_group,
                                weights = ~w_cal_at, data = resp),
                      f_at, t_at, calfun = "raking", epsilon = ctl$epsilon, maxit = ctl$maxit)
estimates("cells_cal_area_turnover_recal", recal_at)
#   to the D&S turnover total only (no intercept)
f_t <- ~ 0 + turnover_meur
t_t <- c(turnover_meur = T_TURNOVER / 1e6)
cal_t <- calibrate(dcells, f_t, t_t, calfun = "raking", epsilon = ctl$epsilon,
                   maxit = ctl$maxit)
estimates("cells_cal_turnover", cal_t)
resp$w_cal_t <- weights(cal_t)
recal_t <- calibrate(svydesign(ids = ~firm_id, strata = ~group, fpc = ~N_group,
                               weights = ~w_cal_t, data = resp),
                     f_t, t_t, calfun = "raking", epsilon = ctl$epsilon, maxit = ctl$maxit)
estimates("cells_cal_turnover_recal", recal_t)

# (iii) propensity: grouped logistic regression of response on the main effects, fitted on
# the frame's cells; weights 1 / p raked to the frame's firms by size class and by NLD area;
# strata: the propensity classes with their frame counts
fit <- glm(cbind(respondents, count - respondents) ~ size_class + nld_area,
           family = binomial, data = frame, control = glm.control(epsilon = 1e-14,
                                                                   maxit = 100))
frame$propensity <- fitted(fit)
for (i in seq_len(nrow(frame))) {
  add("glm", "propensity", paste(frame$size_class[i], frame$nld_area[i], sep = "|"), "all",
      frame$propensity[i], NA)
}
cf <- summary(fit)$coefficients
for (i in seq_len(nrow(cf))) add("glm", "coef", rownames(cf)[i], "all", cf[i, 1], cf[i, 2])
add("glm", "deviance", "deviance", "all", deviance(fit), NA)
key <- function(d) paste(d$size_class, d$nld_area, sep = "|")
resp$p_r <- frame$propensity[match(key(resp), key(frame))]
resp$w_inv_p <- 1 / resp$p_r
f_sa <- ~ size_class + nld_area
t_sa <- c(`(Intercept)` = N,
          setNames(as.numeric(pop_size[-1]), paste0("size_class", names(pop_size)[-1])),
          setNames(as.numeric(pop_area[-1]), paste0("nld_area", names(pop_area)[-1])))
d_inv_p <- svydesign(ids = ~firm_id, strata = ~pclass, fpc = ~N_pclass, weights = ~w_inv_p,
                     data = resp)
dprop <- calibrate(d_inv_p, f_sa, t_sa, calfun = "raking", epsilon = ctl$epsilon,
                   maxit = ctl$maxit)
estimates("propensity", dprop)
resp$w_prop <- weights(dprop)
recal_prop <- calibrate(svydesign(ids = ~firm_id, strata = ~pclass, fpc = ~N_pclass,
                                  weights = ~w_prop, data = resp),
                        f_sa, t_sa, calfun = "raking", epsilon = ctl$epsilon,
                        maxit = ctl$maxit)
estimates("propensity_recal", recal_prop)
# the propensity weights as design weights of the classes, without the raking residuals
estimates("propensity_uncalibrated", svydesign(ids = ~firm_id, strata = ~pclass,
                                               fpc = ~N_pclass, weights = ~w_prop, data = resp))

write.csv(data.frame(firm_id = resp$firm_id, cells = weights(dcells),
                     cal_area = weights(cal_area), cal_area_turnover = weights(cal_at),
                     cal_turnover = weights(cal_t), inverse_propensity = resp$w_inv_p,
                     propensity = resp$w_prop),
          "r_weighting_weights.csv", row.names = FALSE)

# (iv) calibrated designs of data(api) apiclus1 (the examples of ?calibrate): the SEs the
# README of this folder could not compare before the library linearised calibrations
apiclus1 <- read.csv("apiclus1.csv", stringsAsFactors = FALSE)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
api <- function(design_name, design) {
  add_svy(design_name, svytotal(~enroll, design), "total")
  add_svy(design_name, svymean(~api00, design), "mean")
}
api_cal <- function(design_name, formula, totals, calfun) {
  cal <- calibrate(dclus1, formula, totals, calfun = calfun, epsilon = ctl$epsilon,
                   maxit = ctl$maxit)
  api(design_name, cal)
  apiclus1$w_cal <- weights(cal)
  recal <- calibrate(svydesign(id = ~dnum, weights = ~w_cal, data = apiclus1, fpc = ~fpc),
                     formula, totals, calfun = calfun, epsilon = ctl$epsilon,
                     maxit = ctl$maxit)
  api(paste0(design_name, "_recal"), recal)
  weights(cal)
}
api("dclus1", dclus1)
w_api <- data.frame(snum = apiclus1$snum)
# linear calibration to the school types and api99 (?calibrate)
w_api$linear_stype_api99 <- api_cal(
  "dclus1_linear_stype_api99", ~stype + api99,
  c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069), "linear")
# raking to the school types and sch.wide (the margins of ?rake)
w_api$raking_stype_schwide <- api_cal(
  "dclus1_raking_stype_schwide", ~stype + sch.wide,
  c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch.wideYes = 5122), "raking")
# post-stratification by school type (one categorical margin)
w_api$poststrat_stype <- api_cal(
  "dclus1_poststrat_stype", ~stype,
  c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018), "linear")
write.csv(w_api, "r_weighting_apiclus1_weights.csv", row.names = FALSE)

out <- do.call(rbind, rows)
out$r_version <- paste(R.version$major, R.version$minor, sep = ".")
out$survey_version <- packageDescription("survey")$Version
write.csv(out, "r_weighting_reference.csv", row.names = FALSE)
cat("R", out$r_version[1], "survey", out$survey_version[1], ":", nrow(out), "rows\n")
