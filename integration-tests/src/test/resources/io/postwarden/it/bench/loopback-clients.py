#!/usr/bin/python3
"""Local SMTP clients for the milter-level bench: holds TCP connections to a loopback listener on request.

Usage: loopback-clients.py PORT   (run as an unprivileged user; the driver talks to it on stdin/stdout)
  "open"        connect to 127.0.0.1:PORT, answer with the connection's local port
  "close LPORT" close that connection (no answer)
"""
import socket
import sys


def main():
    server = ("127.0.0.1", int(sys.argv[1]))
    connections = {}
    for line in sys.stdin:
        command = line.split()
        if command == ["open"]:
            connection = socket.create_connection(server)
            port = connection.getsockname()[1]
            connections[port] = connection
            print(port, flush=True)
        elif len(command) == 2 and command[0] == "close":
            connections.pop(int(command[1])).close()


if __name__ == "__main__":
    main()
