/**
 * @platescale/onnx — build ONNX graphs in code and encode them as ModelProto bytes, with no Python and no
 * protobuf runtime. `GraphBuilder` adds inputs, initializers, nodes and outputs; `encodeModel` writes the
 * model (opset, IR version, metadata_props). See builder.ts for an example.
 */
export { type AttributeInput, attr, GraphBuilder } from './builder.js';
export { UnknownDomainError } from './errors.js';
export { type FloatInitializer, readFloatInitializers, readModelMetadata } from './metadata.js';
export {
  type AttributeValue,
  type Dim,
  DOMAIN_OPSETS,
  encodeModel,
  type GraphDef,
  type ModelOptions,
  type NodeDef,
  type ValueInfo,
} from './model.js';
export { DATA_TYPES, type ElemType, type Tensor, tensor } from './tensor.js';
