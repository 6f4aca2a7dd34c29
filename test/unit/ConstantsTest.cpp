//===- ConstantsTest.cpp - Weight constants: views and their lifetime -----===//
//
// readFloats/readInt32s view a resource blob of their own type without a
// copy and convert anything else; releaseUnreferencedBlobs frees exactly the
// blobs no attribute under the given roots refers to.
//
//===----------------------------------------------------------------------===//

#include "spec2/Support/Constants.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <numeric>

using namespace spec2;

namespace {

std::vector<float> ramp(size_t n) {
  std::vector<float> v(n);
  std::iota(v.begin(), v.end(), 0.5f);
  return v;
}

TEST(Constants, ReadFloatsViewsAResourceBlobWithoutACopy) {
  mlir::MLIRContext ctx;
  mlir::ElementsAttr big = makeF32Elements(&ctx, {1000}, ramp(1000), "w");
  ASSERT_TRUE(llvm::isa<mlir::DenseResourceElementsAttr>(big));
  auto view = readFloats(big);
  ASSERT_TRUE(view);
  auto blob = llvm::cast<mlir::DenseResourceElementsAttr>(big)
                  .getRawHandle()
                  .getBlob()
                  ->getData();
  EXPECT_EQ(reinterpret_cast<const char *>(view->begin()), blob.data());
  EXPECT_EQ(view->size(), 1000u);
  EXPECT_EQ((*view)[999], 999.5f);
  // Not f32: converted, same values.
  auto asInts = readInt32s(big);
  ASSERT_TRUE(asInts);
  EXPECT_EQ((*asInts)[3], 3); // 3.5 truncated
}

TEST(Constants, ReadInt32sConvertsInlineAttributes) {
  mlir::MLIRContext ctx;
  mlir::ElementsAttr small =
      makeI32Elements(&ctx, {3}, std::vector<int32_t>{7, -2, 5}, "c");
  ASSERT_TRUE(llvm::isa<mlir::DenseElementsAttr>(small));
  auto v = readInt32s(small);
  ASSERT_TRUE(v);
  NumbersOf<int32_t> moved = std::move(*v);
  EXPECT_EQ(std::vector<int32_t>(moved.begin(), moved.end()),
            (std::vector<int32_t>{7, -2, 5}));
}

TEST(Constants, ReleaseFreesOnlyBlobsNoOpRefersTo) {
  mlir::MLIRContext ctx;
  ctx.loadDialect<mlir::func::FuncDialect, mlir::arith::ArithDialect>();
  mlir::OpBuilder b(&ctx);
  auto module = mlir::ModuleOp::create(b.getUnknownLoc());
  b.setInsertionPointToStart(module.getBody());
  auto live = llvm::cast<mlir::TypedAttr>(
      makeF32Elements(&ctx, {1000}, ramp(1000), "live"));
  mlir::ElementsAttr dead = makeF32Elements(&ctx, {500}, ramp(500), "dead");
  mlir::arith::ConstantOp::create(b, b.getUnknownLoc(), live);
  EXPECT_EQ(releaseUnreferencedBlobs(&ctx, {module.getOperation()}),
            500u * sizeof(float));
  EXPECT_FALSE(readFloats(dead)); // its data are gone
  auto kept = readFloats(live);
  ASSERT_TRUE(kept);
  EXPECT_EQ((*kept)[10], 10.5f);
  // Nothing more to free; an attribute nested in an array counts too.
  EXPECT_EQ(releaseUnreferencedBlobs(&ctx, {module.getOperation()}), 0u);
  module->setAttr("keep", b.getArrayAttr({live}));
  module.walk([](mlir::arith::ConstantOp c) { c.erase(); });
  EXPECT_EQ(releaseUnreferencedBlobs(&ctx, {module.getOperation()}), 0u);
  module->removeAttr("keep");
  EXPECT_EQ(releaseUnreferencedBlobs(&ctx, {module.getOperation()}),
            1000u * sizeof(float));
  module->erase();
}

} // namespace
