# Test-only oracle: conditional ML (eRm::LPCM) for a many-facet rating-scale model.
# Called by make_rasch_oracle.py; never by the application or CI.
# Input CSV (long): sample,criterion,rater,code (codes 0..K-1, one rating per row).
# Items are rater x criterion columns; the facets model is a linear reparametrisation of
# eRm's rating-scale model over those items (see W below). Signs and the location of the
# category parameters are sorted out in make_rasch_oracle.py.
args <- commandArgs(trailingOnly = TRUE)
suppressPackageStartupMessages(library(eRm))
d <- read.csv(args[1])
K <- as.integer(args[2])
model <- if (length(args) >= 4) args[4] else "rating scale"
I <- max(d$criterion) + 1
J <- max(d$rater) + 1
N <- max(d$sample) + 1
X <- matrix(NA_integer_, N, I * J)
X[cbind(d$sample + 1, d$rater * I + d$criterion + 1)] <- d$code
# eRm recodes an item column whose lowest category is unused (and truncates one without the
# top category): refuse such data rather than let a shared scale be broken silently.
for (v in seq_len(ncol(X))) {
  x <- X[, v]
  if (min(x, na.rm = TRUE) != 0 || max(x, na.rm = TRUE) != K - 1) {
    stop(sprintf("item column %d does not use both extreme categories", v))
  }
}
if (model == "rating scale") {
  # eRm's own rating-scale design (items effect-coded, item 1 = minus the sum of the others;
  # category parameters for categories 2..K-1, category 1 fixed at 0), then a map A from the
  # facet parameters to its item parameters: item v = D_criterion(v) + C_rater(v), with D and
  # C effect-coded (so the items sum to 0, as eRm's coding needs). W = W_rsm %*% A.
  W_item <- RSM(X, se = FALSE)$W
  n_item <- ncol(X)
  A <- matrix(0, (n_item - 1) + (K - 2), (I - 1) + (J - 1) + (K - 2))
  for (v in 2:n_item) {
    i <- (v - 1) %% I + 1
    j <- (v - 1) %/% I + 1
    if (i < I) A[v - 1, i] <- 1 else A[v - 1, 1:(I - 1)] <- -1
    if (j < J) A[v - 1, I - 1 + j] <- 1 else A[v - 1, (I - 1) + 1:(J - 1)] <- -1
  }
  for (h in 1:(K - 2)) A[n_item - 1 + h, (I - 1) + (J - 1) + h] <- 1
  steps <- paste0("cat", 2:(K - 1))
} else {
  # Partial credit per criterion: beta[v,h] = h (D_i + C_j) + psi[i,h] (eRm's sign), D and C
  # effect-coded, psi[i,K-1] = 0 for every criterion; then beta[1,1] is moved to 0 along the
  # h * a direction that conditioning removes, as eRm's PCM design (first row 0) requires.
  n_item <- ncol(X)
  B <- matrix(0, n_item * (K - 1), (I - 1) + (J - 1) + I * (K - 2))
  row <- 0
  for (v in seq_len(n_item)) {
    i <- (v - 1) %% I + 1
    j <- (v - 1) %/% I + 1
    for (h in 1:(K - 1)) {
      row <- row + 1
      if (i < I) B[row, i] <- h else B[row, 1:(I - 1)] <- -h
      if (j < J) B[row, I - 1 + j] <- h else B[row, (I - 1) + 1:(J - 1)] <- -h
      if (h <= K - 2) B[row, (I - 1) + (J - 1) + (i - 1) * (K - 2) + h] <- 1
    }
  }
  B <- B - outer(rep(1:(K - 1), n_item), B[1, ])
  W_item <- PCM(X, sum0 = FALSE, se = FALSE)$W
  A <- B[-1, ]
  steps <- paste0("psi", rep(1:I, each = K - 2), "_", rep(1:(K - 2), I))
}
W <- W_item %*% A
items <- LPCM(X, W = W_item, se = FALSE)  # the unrestricted item-level fit, for start values
# eRm's optimiser (nlm) wanders off from zero start values on these designs (loglik > 0):
# start it from the least-squares projection of the item fit onto the facets.
fit <- LPCM(X, W = W, sum0 = FALSE, se = TRUE, etaStart = qr.solve(A, items$etapar))
if (fit$convergence > 2) {
  stop(sprintf("eRm optimiser did not converge (nlm code %d)", fit$convergence))
}
out <- data.frame(
  name = c(paste0("criterion", 1:(I - 1)), paste0("rater", 1:(J - 1)), steps),
  estimate = fit$etapar,
  se = fit$se.eta
)
write.csv(out, args[3], row.names = FALSE)
cat(sprintf("loglik %.10f code %d iter %d\n", fit$loglik, fit$convergence, fit$iter))
