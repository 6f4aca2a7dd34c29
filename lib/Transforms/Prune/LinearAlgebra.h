//===- LinearAlgebra.h - The pruning methods' dense solvers, on Eigen -----===//
//
// The factorisations the pruning methods need, kept behind plain row-major
// arrays so that Eigen stays inside LinearAlgebra.cpp: a general complex
// inverse (LU with partial pivoting) and Cholesky factors of symmetric or
// Hermitian positive definite matrices.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_LIB_TRANSFORMS_PRUNE_LINEARALGEBRA_H
#define SPEC2_LIB_TRANSFORMS_PRUNE_LINEARALGEBRA_H

#include "llvm/ADT/ArrayRef.h"

#include <complex>
#include <cstdint>
#include <memory>
#include <vector>

namespace spec2::prune {

using Cd = std::complex<double>;

/// a * b without std::complex's NaN-checked library call (the methods' inner
/// loops are full of complex products).
inline Cd mul(Cd a, Cd b) {
  return Cd(a.real() * b.real() - a.imag() * b.imag(),
            a.real() * b.imag() + a.imag() * b.real());
}

/// Inverse of the n x n complex matrix `a` (row-major) into `inv`
/// (row-major), by LU with partial pivoting; false if a pivot's magnitude is
/// below 1e-300 (singular).
bool invert(llvm::ArrayRef<Cd> a, int64_t n, std::vector<Cd> &inv);

/// The Cholesky factor L L^H of a symmetric (T = double) or Hermitian
/// (T = Cd) positive definite matrix, kept to solve for several right-hand
/// sides. Only the lower triangle of the matrix is read. Solving is const
/// and may run on several threads at once.
template <typename T> class Cholesky {
public:
  Cholesky();
  ~Cholesky();
  Cholesky(Cholesky &&);
  Cholesky &operator=(Cholesky &&);

  /// Factors `a` (n x n, row-major); false if it is not positive definite
  /// (a pivot not above zero, NaN included).
  bool factor(llvm::ArrayRef<T> a, int64_t n);
  /// Overwrites `rhs` (n values) with the solution v of a v = rhs.
  void solveInPlace(llvm::MutableArrayRef<T> rhs) const;
  /// a^-1, row-major.
  std::vector<T> inverse() const;

private:
  struct Factor;
  std::unique_ptr<Factor> f;
};

/// Overwrites `rhs` with the solution of a v = rhs (a: n x n, row-major,
/// lower triangle read); false, rhs unchanged, if a is not positive definite.
template <typename T>
bool choleskySolve(llvm::ArrayRef<T> a, int64_t n,
                   llvm::MutableArrayRef<T> rhs);

/// out += a^T b for a and b of `rows` x `dim` (row-major; out dim x dim,
/// row-major): the moments of a batch of samples, one sample a row.
void addCrossMoments(llvm::ArrayRef<double> a, llvm::ArrayRef<double> b,
                     int64_t rows, int64_t dim, llvm::MutableArrayRef<double> out);

extern template class Cholesky<double>;
extern template class Cholesky<Cd>;

} // namespace spec2::prune

#endif // SPEC2_LIB_TRANSFORMS_PRUNE_LINEARALGEBRA_H
