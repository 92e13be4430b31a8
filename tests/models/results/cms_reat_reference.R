# Writes cms_reat_reference.csv: REAT's Dunn shift-share components for the cases of
# cms_shift_share_inputs.csv (see README_trade.md).
#
# With REAT installed (install.packages("REAT")):   Rscript cms_reat_reference.R
# Without it, source REAT's own files unchanged (R/shift.R, R/shift.growth.R, R/growth.R of
# the CRAN mirror github.com/cran/REAT at commit 96afe5e3c2964051c5ad3c4b4fdcb0ba2eace2bc):
#   REAT_R_DIR=/path/to/REAT/R Rscript cms_reat_reference.R
src <- Sys.getenv("REAT_R_DIR")
if (nzchar(src)) {
  for (f in c("growth.R", "shift.growth.R", "shift.R")) source(file.path(src, f))
  origin <- paste("REAT source files (R/growth.R, R/shift.growth.R, R/shift.R) of",
                  "github.com/cran/REAT commit 96afe5e3c2964051c5ad3c4b4fdcb0ba2eace2bc")
} else {
  library(REAT)
  origin <- paste("REAT", packageVersion("REAT"))
}
inputs <- read.csv("cms_shift_share_inputs.csv", stringsAsFactors = FALSE)
rows <- list()
for (case in unique(inputs$case)) {
  d <- inputs[inputs$case == case, ]
  res <- shift(d$region_t0, d$region_t1, d$nation_t0, d$nation_t1,
               industry.names = d$industry, shift.method = "Dunn", print.results = FALSE)
  comp <- res$components
  rows[[case]] <- data.frame(case = case, component = rownames(comp),
                             value = sprintf("%.17g", comp[, 1]), origin = origin,
                             r_version = R.version.string)
}
out <- do.call(rbind, rows)
write.csv(out, "cms_reat_reference.csv", row.names = FALSE, quote = TRUE)
print(out[, 1:3])
