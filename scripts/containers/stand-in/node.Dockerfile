# Stand-in for node:22.x-bookworm-slim (no image can be pulled on this machine): Debian bookworm, node and npm
# in /usr/local, and the unprivileged `node` user (UID/GID 1000) that the official image has.
ARG ROOTFS
FROM ${ROOTFS}
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
CMD ["node"]
