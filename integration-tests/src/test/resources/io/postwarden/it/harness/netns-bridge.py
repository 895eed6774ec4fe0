# One TCP connection from inside a network namespace (or as another user: MailStack.smtpAsUnixUser), spoken over
# stdin/stdout:
#   ip netns exec NS python3 netns-bridge.py SOURCE SERVER PORT
# binds SOURCE (the remote host's address), connects to SERVER:PORT and copies bytes both ways until the server
# closes. A failed connect is reported as an SMTP reply, so the client records it like any other reply.
import socket
import sys
import threading

source, server, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
family = socket.AF_INET6 if ":" in server else socket.AF_INET
connection = socket.socket(family, socket.SOCK_STREAM)
try:
    connection.bind((source, 0))
    connection.connect((server, port))
except OSError as e:
    sys.stdout.write("421 netns-bridge: %s -> %s:%d: %s\r\n" % (source, server, port, e))
    sys.exit(1)


def client_to_server():
    while True:
        data = sys.stdin.buffer.read1(65536)
        if not data:
            break
        connection.sendall(data)
    connection.shutdown(socket.SHUT_WR)


threading.Thread(target=client_to_server, daemon=True).start()
while True:
    data = connection.recv(65536)
    if not data:
        break
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
