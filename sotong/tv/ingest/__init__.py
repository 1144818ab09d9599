"""The embedded shape's ingest (`sotong tv`): an RTMP server that asks ``services.ingest`` before it takes a
stream, and ffmpeg packaging what it takes as HLS (decision 0073)."""
