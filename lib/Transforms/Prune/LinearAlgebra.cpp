//===- LinearAlgebra.cpp - The pruning methods' dense solvers, on Eigen ---===//
//
// Eigen's decompositions in the places of the hand-written ones they
// replace: PartialPivLU for the Gauss-Jordan inverse with partial pivoting
// (the same pivots), LLT for the left-looking Cholesky factor (the same
// column-by-column recurrence; Eigen blocks it beyond 32 rows). Results may
// differ from the hand-written code in the last bits.
//
//===----------------------------------------------------------------------===//
#include "LinearAlgebra.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/LU>

namespace spec2::prune {

namespace {
template <typename T>
using RowMajor =
    Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T> using ConstRowMap = Eigen::Map<const RowMajor<T>>;
template <typename T>
using Vector = Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, 1>>;
} // namespace

bool invert(llvm::ArrayRef<Cd> a, int64_t n, std::vector<Cd> &inv) {
  const Eigen::PartialPivLU<Eigen::MatrixXcd> lu(
      ConstRowMap<Cd>(a.data(), n, n));
  if (!(lu.matrixLU().diagonal().cwiseAbs().minCoeff() >= 1e-300))
    return false;
  inv.resize(n * n);
  Eigen::Map<RowMajor<Cd>>(inv.data(), n, n) = lu.inverse();
  return true;
}

template <typename T> struct Cholesky<T>::Factor {
  Eigen::LLT<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>, Eigen::Lower>
      llt;
};

template <typename T> Cholesky<T>::Cholesky() : f(new Factor) {}
template <typename T> Cholesky<T>::~Cholesky() = default;
template <typename T> Cholesky<T>::Cholesky(Cholesky &&) = default;
template <typename T>
Cholesky<T> &Cholesky<T>::operator=(Cholesky &&) = default;

template <typename T> bool Cholesky<T>::factor(llvm::ArrayRef<T> a, int64_t n) {
  f->llt.compute(ConstRowMap<T>(a.data(), n, n));
  // LLT stops at a pivot <= 0 but lets NaN through.
  return f->llt.info() == Eigen::Success &&
         (f->llt.matrixLLT().diagonal().real().array() > 0).all();
}

template <typename T>
void Cholesky<T>::solveInPlace(llvm::MutableArrayRef<T> rhs) const {
  Vector<T> v(rhs.data(), int64_t(rhs.size()));
  f->llt.solveInPlace(v);
}

template <typename T> std::vector<T> Cholesky<T>::inverse() const {
  const int64_t n = f->llt.rows();
  std::vector<T> inv(n * n);
  Eigen::Map<RowMajor<T>>(inv.data(), n, n) = f->llt.solve(
      Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>::Identity(n, n));
  return inv;
}

template <typename T>
bool choleskySolve(llvm::ArrayRef<T> a, int64_t n,
                   llvm::MutableArrayRef<T> rhs) {
  Cholesky<T> c;
  if (!c.factor(a, n))
    return false;
  c.solveInPlace(rhs);
  return true;
}

void addCrossMoments(llvm::ArrayRef<double> a, llvm::ArrayRef<double> b,
                     int64_t rows, int64_t dim,
                     llvm::MutableArrayRef<double> out) {
  Eigen::Map<RowMajor<double>>(out.data(), dim, dim).noalias() +=
      ConstRowMap<double>(a.data(), rows, dim).transpose() *
      ConstRowMap<double>(b.data(), rows, dim);
}

template class Cholesky<double>;
template class Cholesky<Cd>;
template bool choleskySolve<double>(llvm::ArrayRef<double>, int64_t,
                                    llvm::MutableArrayRef<double>);
template bool choleskySolve<Cd>(llvm::ArrayRef<Cd>, int64_t,
                                llvm::MutableArrayRef<Cd>);

} // namespace spec2::prune
