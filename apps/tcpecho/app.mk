# tcpecho: TCP echo on port 8080, or a TCP client (connect=IP:PORT);
# docs/tcp.md. It needs the network front (net/) and TCP (net/tcp/).
APP_LAYERS := net net/tcp
APP_PORT := 8080
