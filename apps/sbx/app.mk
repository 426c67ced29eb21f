APP_LAYERS := net net/tcp store wasm sandbox wg
