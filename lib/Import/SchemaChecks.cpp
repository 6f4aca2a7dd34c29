//===- SchemaChecks.cpp - A node against its ONNX operator schema ---------===//

#include "SchemaChecks.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"

#include <set>

using llvm::Error;
using llvm::StringRef;

namespace spec2::import {
namespace {

Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

bool isFloatType(StringRef t) {
  return t == "tensor(float)" || t == "tensor(double)" ||
         t == "tensor(float16)" || t == "tensor(bfloat16)";
}

bool isIntegerType(StringRef t) {
  return t == "tensor(int64)" || t == "tensor(int32)" ||
         t == "tensor(int16)" || t == "tensor(int8)" ||
         t == "tensor(uint64)" || t == "tensor(uint32)" ||
         t == "tensor(uint16)" || t == "tensor(uint8)" ||
         t == "tensor(bool)";
}

/// The tensor types a formal parameter admits: its type string is either a
/// concrete type or the name of one of the schema's type constraints.
std::set<std::string> admittedTypes(const onnx::OpSchema &schema,
                                    const onnx::OpSchema::FormalParameter &p) {
  for (const auto &c : schema.typeConstraintParams())
    if (c.type_param_str == p.GetTypeStr())
      return {c.allowed_type_strs.begin(), c.allowed_type_strs.end()};
  return {p.GetTypeStr()};
}

std::string describe(const std::set<std::string> &types) {
  std::string s;
  for (const auto &t : types)
    s += (s.empty() ? "" : ", ") + t;
  return s;
}

} // namespace

Error checkAgainstSchema(const onnx::NodeProto &node, int64_t opset,
                         LiteralKind literalKind) {
  const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(
      node.op_type(), static_cast<int>(opset), "");
  if (!schema)
    return Error::success();
  const int nIn = node.input_size(), nOut = node.output_size();
  std::string where = llvm::formatv("opset {0}'s {1}", opset, node.op_type());
  if (nIn < schema->min_input() || nIn > schema->max_input())
    return fail(llvm::formatv("has {0} input(s); {1} takes {2}", nIn, where,
                              schema->min_input() == schema->max_input()
                                  ? std::to_string(schema->min_input())
                                  : llvm::formatv("{0} to {1}",
                                                  schema->min_input(),
                                                  schema->max_input())
                                        .str()));
  if (nOut < schema->min_output() || nOut > schema->max_output())
    return fail(llvm::formatv("has {0} output(s); {1} takes {2} to {3}", nOut,
                              where, schema->min_output(),
                              schema->max_output()));

  const auto &formals = schema->inputs();
  for (int i = 0; i < nIn; ++i) {
    if (formals.empty())
      break;
    // A variadic parameter is the last one and covers the remaining inputs.
    const auto &p = formals[std::min<size_t>(i, formals.size() - 1)];
    bool optional = p.GetOption() == onnx::OpSchema::Optional;
    if (node.input(i).empty()) {
      if (!optional)
        return fail(llvm::formatv("input #{0} ('{1}') is required by {2} but "
                                  "is given as the empty name",
                                  i, p.GetName(), where));
      continue;
    }
    std::optional<DType> kind = literalKind(node.input(i));
    if (!kind)
      continue;
    std::set<std::string> types = admittedTypes(*schema, p);
    bool allFloat = llvm::all_of(types, isFloatType);
    bool allInteger = llvm::all_of(types, isIntegerType);
    if ((allFloat && *kind != DType::F32) ||
        (allInteger && *kind != DType::I64))
      return fail(llvm::formatv(
          "input #{0} ('{1}', constant '{2}') is {3} tensor; {4} takes {5}", i,
          p.GetName(), node.input(i),
          *kind == DType::F32 ? "a floating-point" : "an integer", where,
          describe(types)));
  }
  return Error::success();
}

} // namespace spec2::import
