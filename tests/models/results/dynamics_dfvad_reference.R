# Reference values of the firm-dynamics decompositions from the R package dfvad
# (Shipei Zeng, "dfvad: Diewert and Fox's Method of Value Added Growth Decomposition",
# function `dynamics(df, x, s, id, tm, typ)`; typ "fhk", "gr", "bhc", "mp", "df").
#
# Usage, from this folder:
#   Rscript dynamics_dfvad_reference.R                 # with dfvad installed from CRAN
#   DFVAD_DYNAMICS_R=/path/to/dfvad/R/dynamics.R Rscript dynamics_dfvad_reference.R
#
# The second form sources the function from a copy of the package source (R/dynamics.R of
# https://github.com/shipei-zeng/dfvad). It writes dynamics_dfvad_reference.csv.
# dfvad's `dynamics` takes shares that sum to one in each period and compares consecutive
# periods of a data frame sorted by period; it assumes that the first firm in sort order is
# present at the start of every transition (both input panels satisfy this).

src <- Sys.getenv("DFVAD_DYNAMICS_R")
if (nzchar(src)) {
  source(src)
  origin <- paste("dfvad R/dynamics.R sourced from", src)
} else {
  library(dfvad)
  origin <- paste("dfvad", packageVersion("dfvad"))
}

methods <- c(fhk = "fhk", griliches_regev = "gr", bhc = "bhc", melitz_polanec = "mp",
             diewert_fox = "df")
out <- list()
for (file in c("dynamics_reference_panel.csv", "dynamics_random_panel.csv")) {
  panel <- read.csv(file, stringsAsFactors = FALSE)
  panel <- panel[order(panel$period, panel$firm), ]
  panel$share <- panel$weight / ave(panel$weight, panel$period, FUN = sum)
  for (m in names(methods)) {
    res <- dynamics(panel, "tfp", "share", "firm", "period", typ = methods[[m]])
    names(res)[names(res) == "mean"] <- "within"
    names(res)[names(res) == "covariance"] <- "between"
    if (!("cross" %in% names(res))) res$cross <- 0
    periods <- sort(unique(panel$period))
    out[[length(out) + 1]] <- data.frame(
      panel = file, method = m, from = periods[-length(periods)], to = res$period,
      within = res$within, between = res$between, cross = res$cross, entry = res$entry,
      exit = res$exit, total = res$total)
  }
}
out <- do.call(rbind, out)
num <- c("within", "between", "cross", "entry", "exit", "total")
out[num] <- lapply(out[num], function(x) sprintf("%.17g", x))
write.csv(out, "dynamics_dfvad_reference.csv", row.names = FALSE, quote = FALSE)
cat("written by", origin, "with", R.version.string, "\n")
