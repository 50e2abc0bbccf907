# Vexil in a container: built on Debian with the project's own
# dependency script, run on a slim Debian with only the five runtime
# libraries. The database lives in the /data volume.
#
#   docker build -t vexil .
#   docker run -p 4242:4242 -v vexil-data:/data vexil

FROM debian:bookworm-slim AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends make ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN sh scripts/deps.sh && make

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libmicrohttpd12 libsqlite3-0 libjansson4 libsodium23 zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /data vexil \
    && mkdir /data && chown vexil /data
COPY --from=build /src/build/vexil /usr/local/bin/vexil
USER vexil
VOLUME /data
EXPOSE 4242
ENV VEXIL_HOST=0.0.0.0 VEXIL_DB=/data/vexil.db
ENTRYPOINT ["vexil"]
CMD ["serve"]
