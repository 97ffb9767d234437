// OpenBLAS: the CBLAS interface plus the two LAPACK routines ctxrl calls.
//
// Debian's libopenblas-dev ships LAPACK inside libopenblas but no LAPACK header, so the
// Fortran entry points are declared here. Every argument is passed by pointer, matrices are
// column-major, and `info` reports failure (see the LAPACK reference for dpotrf and dpotrs).
#ifndef CTXRL_CBLAS_SHIM_H
#define CTXRL_CBLAS_SHIM_H

#include <cblas.h>

/// Cholesky factorisation of a symmetric positive-definite matrix: A = L L^T (uplo "L").
/// On exit `info` is 0 on success, -i if argument i was invalid, and i > 0 if the leading
/// minor of order i is not positive definite.
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);

/// Solves A X = B with the factor that dpotrf_ returned; B is overwritten with X.
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info);

#endif
