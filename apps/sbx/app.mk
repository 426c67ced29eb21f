APP_LAYERS := net store wasm sandbox wg
