# Reference numbers for tests/models/test_index_numbers.py and test_price_volume.py.
#
# An independent implementation, in base R, of the textbook index number formulas
# (Balk 2008, ch. 3; IMF et al. 2004, PPI Manual ch. 15-17, 19) and of the turnover
# decomposition of nldtib_forecast.models.price_volume.decompose_turnover (point estimates).
# It first checks itself against *published* numbers (stopifnot below):
#   * Balk (2008) tables 3.4, 3.6 and 3.12 (direct indexes on the PPI Manual's six-commodity
#     data, 4 decimals, as reprinted by the R package gpindex's example output);
#   * the IndexNumR vignette (chained Laspeyres/Paasche/Fisher/Tornqvist price indexes and
#     price indicators on the CES_sigma_2 data set, 7-8 decimals).
# It then writes the values that are *not* published (chained indexes of the other formulas,
# quantity indexes, the turnover decomposition of a small panel) to CSV files.
#
# Run from this folder:  Rscript pv_r_reference.R
# (R 4.2, base R only; no package is needed.)

options(digits = 15)
fmt <- function(x) sprintf("%.17g", x)

logmean <- function(a, b) {
  out <- ifelse(abs(a - b) < 1e-15 * pmax(abs(a), abs(b)), a, (a - b) / (log(a) - log(b)))
  ifelse(a <= 0 | b <= 0, 0, out)
}

methods <- c("laspeyres", "paasche", "fisher", "tornqvist", "walsh", "montgomery_vartia",
             "sato_vartia", "geometric_laspeyres", "geometric_paasche")

bilateral <- function(p0, q0, p1, q1, method) {
  v0 <- p0 * q0; v1 <- p1 * q1; V0 <- sum(v0); V1 <- sum(v1)
  r <- p1 / p0; s0 <- v0 / V0; s1 <- v1 / V1
  L <- sum(p1 * q0) / V0; P <- V1 / sum(p0 * q1)
  switch(method,
         laspeyres = L,
         paasche = P,
         fisher = sqrt(L * P),
         tornqvist = exp(sum((s0 + s1) / 2 * log(r))),
         walsh = sum(p1 * sqrt(q0 * q1)) / sum(p0 * sqrt(q0 * q1)),
         montgomery_vartia = exp(sum(logmean(v0, v1) * log(r)) / logmean(V0, V1)),
         sato_vartia = {w <- logmean(s0, s1); exp(sum(w * log(r)) / sum(w))},
         geometric_laspeyres = exp(sum(s0 * log(r))),
         geometric_paasche = exp(sum(s1 * log(r))))
}

# p, q: matrices periods x items
index_series <- function(p, q, method, chained, kind = "price") {
  if (kind == "quantity") { tmp <- p; p <- q; q <- tmp }
  T <- nrow(p)
  if (chained) {
    links <- sapply(2:T, function(t) bilateral(p[t - 1, ], q[t - 1, ], p[t, ], q[t, ], method))
    c(1, cumprod(links))
  } else {
    sapply(1:T, function(t) bilateral(p[1, ], q[1, ], p[t, ], q[t, ], method))
  }
}

# ---- data: PPI Manual tables 19.1/19.2 (Balk 2008 tables 3.1/3.2) -------------------------
price6 <- rbind(c(1.0, 1.0, 1.0, 1.0, 1.0, 1.0),
                c(1.2, 3.0, 1.3, 0.7, 1.4, 0.8),
                c(1.0, 1.0, 1.5, 0.5, 1.7, 0.6),
                c(0.8, 0.5, 1.6, 0.3, 1.9, 0.4),
                c(1.0, 1.0, 1.6, 0.1, 2.0, 0.2))
quantity6 <- rbind(c(1.0, 1.0, 2.0, 1.0, 4.5, 0.5),
                   c(0.8, 0.9, 1.9, 1.3, 4.7, 0.6),
                   c(1.0, 1.1, 1.8, 3.0, 5.0, 0.8),
                   c(1.2, 1.2, 1.9, 6.0, 5.6, 1.3),
                   c(0.9, 1.2, 2.0, 12.0, 6.5, 2.5))

# ---- data: IndexNumR's CES_sigma_2 (CES shares, sigma = 2; Diewert and Fox 2017) ----------
ces_prices <- cbind(c(2, 1.75, 1.6, 1.5, 1.45, 1.4, 1.35, 1.3, 1.25, 1.2, 1.15, 1.1),
                    c(1, 0.5, 1.05, 1.1, 1.12, 1.15, 1.18, 0.6, 1.2, 1.25, 1.28, 1.3),
                    c(1, 0.95, 0.9, 0.85, 0.4, 0.8, 0.75, 0.72, 0.7, 0.4, 0.7, 0.65),
                    c(0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.7, 0.65, 0.7, 0.75, 0.75, 0.8))
alpha <- c(0.2, 0.2, 0.2, 0.4)
expend <- c(10, 13, 11, 12, 15, 13, 14, 17, 15, 18, 16, 17)
sigma <- 2
shares <- t(apply(ces_prices, 1, function(p) alpha * p^(1 - sigma) / sum(alpha * p^(1 - sigma))))
ces_quantities <- expend * shares / ces_prices

# the vignette prints head(CES_sigma_2): quantities of product 1 in periods 1-6
stopifnot(all(abs(ces_quantities[1:6, 1] -
                  c(0.3846154, 0.5846626, 0.7135502, 0.9149417, 1.0280574, 1.2058234)) < 5e-8))

# ---- self-check 1: Balk (2008) tables 3.4, 3.6, 3.12 (direct, 4 decimals) -------------------
balk <- read.csv("pv_balk2008_direct_indexes.csv")
for (m in unique(balk$method)) {
  ours <- index_series(price6, quantity6, m, chained = FALSE)
  pub <- balk$value[balk$method == m]
  stopifnot(all(abs(ours - pub) <= 0.5e-4 + 1e-12))
}

# ---- self-check 2: IndexNumR vignette (chained, 7 decimals) ------------------------------------
inr <- read.csv("pv_indexnumr_vignette_chained.csv")
for (m in unique(inr$method)) {
  ours <- index_series(ces_prices, ces_quantities, m, chained = TRUE)
  stopifnot(all(abs(ours - inr$value[inr$method == m]) <= 0.5e-7 + 1e-12))
}

# ---- self-check 3: IndexNumR vignette price indicators (7-8 decimals, as printed) -----------
ind <- read.csv("pv_indexnumr_vignette_indicators.csv")
indicator <- function(p0, q0, p1, q1, method) {
  switch(method,
         laspeyres = sum(q0 * (p1 - p0)),
         paasche = sum(q1 * (p1 - p0)),
         bennet = sum((q0 + q1) / 2 * (p1 - p0)),
         montgomery = sum(logmean(p1 * q1, p0 * q0) * log(p1 / p0)))
}
for (m in unique(ind$method)) {
  ours <- sapply(2:12, function(t) indicator(ces_prices[t - 1, ], ces_quantities[t - 1, ],
                                             ces_prices[t, ], ces_quantities[t, ], m))
  pub <- ind$value[ind$method == m]
  stopifnot(all(abs(ours - pub) <= 0.5 * 10^-ind$decimals[ind$method == m] + 1e-12))
}

# ---- write: every formula, direct and chained, price and quantity ------------------------------
rows <- list()
for (ds in c("price6", "ces_sigma_2")) {
  p <- if (ds == "price6") price6 else ces_prices
  q <- if (ds == "price6") quantity6 else ces_quantities
  for (kind in c("price", "quantity")) for (m in methods) for (ch in c(FALSE, TRUE)) {
    v <- index_series(p, q, m, ch, kind)
    rows[[length(rows) + 1]] <- data.frame(dataset = ds, kind = kind, method = m,
                                           chained = ch, period = seq_along(v), value = fmt(v))
  }
}
out <- do.call(rbind, rows)
write.csv(out, "pv_r_index_numbers.csv", row.names = FALSE, quote = FALSE)
write.csv(data.frame(period = rep(1:12, 4), item = rep(1:4, each = 12),
                     price = fmt(as.vector(ces_prices)), quantity = fmt(as.vector(ces_quantities))),
          "pv_ces_sigma_2.csv", row.names = FALSE, quote = FALSE)

# ---- the turnover decomposition of a small panel ----------------------------------------------
# Firms A-H, years 2023-2025, survey weights, domains x/y. C exits after 2024, F after 2023;
# D enters in 2024, E in 2025; B has no price change in 2025 (imputed by the index of the
# others); G moves from domain y to x in 2025 (exit from y, entry into x).
panel <- data.frame(
  firm_id = c("A", "A", "A", "B", "B", "B", "C", "C", "D", "D", "E", "F", "G", "G", "G",
              "H", "H", "H"),
  year = c(2023, 2024, 2025, 2023, 2024, 2025, 2023, 2024, 2024, 2025, 2025, 2023,
           2023, 2024, 2025, 2023, 2024, 2025),
  weight = c(2, 2, 2, 1.5, 1.5, 1.5, 3, 3, 1, 1, 2.5, 1, 4, 4, 4, 1.2, 1.2, 1.2),
  turnover_ds_eur = c(100, 120, 150, 50, 55, 54, 30, 33, 10, 25, 40, 20, 5, 6, 9, 80, 70, 90),
  price_change_ds = c(NA, 0.05, 0.10, NA, 0.02, NA, NA, 0.01, NA, 0.08, NA, NA, NA, 0.03,
                      0.04, NA, -0.05, 0.02),
  seg = c("x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "y", "y", "y", "y", "x",
          "y", "y", "y"))
write.csv(panel, "pv_toy_panel.csv", row.names = FALSE, quote = FALSE, na = "")

decompose <- function(d, method, split) {
  res <- list()
  for (t in 2024:2025) {
    cur <- d[d$year == t, ]; prv <- d[d$year == t - 1, ]
    key_c <- paste(cur$firm_id, cur$dom); key_p <- paste(prv$firm_id, prv$dom)
    cont_c <- cur[key_c %in% key_p, ]
    cont_p <- prv[match(paste(cont_c$firm_id, cont_c$dom), key_p), ]
    ent <- cur[!(key_c %in% key_p), ]; ext <- prv[!(key_p %in% key_c), ]
    v0 <- cont_p$weight * cont_p$turnover_ds_eur; v1 <- cont_c$weight * cont_c$turnover_ds_eur
    C0 <- sum(v0); C1 <- sum(v1)
    E <- sum(ent$weight * ent$turnover_ds_eur); X <- sum(ext$weight * ext$turnover_ds_eur)
    rep <- !is.na(cont_c$price_change_ds)
    r <- 1 + cont_c$price_change_ds[rep]
    # firms are items: price 1 then r, quantities v0 and v1 / r
    P <- bilateral(rep(1, sum(rep)), v0[rep], r, v1[rep] / r, method)
    Y0 <- C0 + X; Y1 <- C1 + E
    g <- Y1 / Y0 - 1; s <- C0 / Y0; gc <- C1 / C0 - 1; V <- (1 + gc) / P
    if (split == "log") {
      k <- s * logmean(1 + gc, 1)
      price <- k * log(P); volume <- k * log(V); inter <- 0
    } else {
      price <- s * (P - 1); volume <- s * (V - 1); inter <- s * (P - 1) * (V - 1)
    }
    res[[length(res) + 1]] <- data.frame(
      year = t,
      component = c("turnover_prev_eur", "turnover_eur", "nominal_growth", "price", "volume",
                    "interaction", "entry", "exit", "price_index", "volume_index",
                    "volume_growth_total", "n_continuing", "n_price_missing", "n_entrants",
                    "n_exiters"),
      value = c(Y0, Y1, g, price, volume, inter, E / Y0, X / Y0, P, V, (1 + g) / P - 1,
                nrow(cont_c), sum(!rep), nrow(ent), nrow(ext)))
    stopifnot(abs(price + volume + inter + E / Y0 - X / Y0 - g) < 1e-14)
  }
  do.call(rbind, res)
}
rows <- list()
for (m in c("laspeyres", "paasche", "fisher", "tornqvist", "walsh", "sato_vartia",
            "montgomery_vartia", "geometric_laspeyres")) {
  for (split in c("log", "interaction")) {
    for (by in c("none", "seg")) {
      if (by == "none") {
        d <- panel; d$dom <- "all"
        r <- decompose(d, m, split); r$domain <- "all"
      } else {
        r <- do.call(rbind, lapply(c("x", "y"), function(s) {
          d <- panel[panel$seg == s, ]; d$dom <- s
          out <- decompose(d, m, split); out$domain <- s; out
        }))
      }
      r$method <- m; r$split <- split
      rows[[length(rows) + 1]] <- r
    }
  }
}
out <- do.call(rbind, rows)
out$value <- fmt(out$value)
write.csv(out[, c("method", "split", "domain", "year", "component", "value")],
          "pv_r_toy_decomposition.csv", row.names = FALSE, quote = FALSE)
cat("reference files written\n")
