APP_LAYERS := net
