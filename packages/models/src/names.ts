/**
 * The registry names and labels of the model set, without the graphs or ONNX Runtime: for
 * processes that name models but never run them (the gateway, the training service).
 */
export { BOOTSTRAP_LABEL, BOOTSTRAP_VERSION, META_CONTROLLER_NAME } from './bootstrap/bootstrap';
export { DECISION_MODEL_NAMES, SPECIALIST_MODEL_NAMES } from './registry/model-arms';
