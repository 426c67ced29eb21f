# httpd: HTTP/1.1 on TCP port 8080 (docs/http.md), with the KV store at
# /kv/. It needs the network front (net/), TCP (net/tcp/) and the store; its
# data lives on its own image, like kvd's.
APP_LAYERS := net net/tcp store
APP_PORT := 8080
DRIVE := $(BUILD)/httpd-disk.img
