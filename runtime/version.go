package runtime

// CodegenV1 marks the contract between cpcgen's generator and this package.
// Every generated file refers to it (const _ = runtime.CodegenV1), so code
// generated for a different contract fails to compile instead of failing at
// run time; when that happens, regenerate the code with a matching cpcgen.
const CodegenV1 = true
