APP_LAYERS := net wasm sandbox
