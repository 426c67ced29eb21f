# kvd: the KV store served over UDP (docs/kv.md). It needs the network
# front (net/) and the store. Its socket is port 7000, which every
# platform forwards from 127.0.0.1:$(PORT).
# Its data lives on its own image so the echo app's block check never
# touches it.
APP_LAYERS := net store wg
APP_PORT := 7000
DRIVE := $(BUILD)/kvd-disk.img
