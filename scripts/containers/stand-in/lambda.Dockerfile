# Stand-in for public.ecr.aws/lambda/nodejs:22 (no image can be pulled on this machine). Same contract for the
# Dockerfiles built on it: LAMBDA_TASK_ROOT=/var/task, node and npm on the PATH, CMD = "dir/module.export".
# It has no Runtime Interface Client or Emulator: its entry point runs the handler once, with the event read
# from stdin (lambda-runtime.mjs). What that proves and what it cannot: docs/deploy.md, "What CI proves".
ARG ROOTFS
FROM ${ROOTFS}
ENV LAMBDA_TASK_ROOT=/var/task \
    LAMBDA_RUNTIME_DIR=/var/runtime \
    LANG=en_US.UTF-8
# The real nodejs:20+ images are built on AL2023-minimal, which has no findutils: a Dockerfile that calls
# find or xargs must fail here as it fails on AWS's image.
RUN rm -f /usr/bin/find /usr/bin/xargs
COPY lambda-runtime.mjs /var/runtime/lambda-runtime.mjs
WORKDIR /var/task
ENTRYPOINT ["node", "/var/runtime/lambda-runtime.mjs"]
