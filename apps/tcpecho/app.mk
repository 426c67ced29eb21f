# tcpecho: TCP echo on port 8080, or a TCP client (connect=IP:PORT);
# docs/tcp.md. It needs the network front (net/).
APP_LAYERS := net
APP_PORT := 8080
