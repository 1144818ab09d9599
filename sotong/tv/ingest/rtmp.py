"""The embedded RTMP ingest: an encoder connects to ``rtmp://host:port/live`` with the broadcast's stream
key as the stream name. The publish command is answered only once ``services.ingest.publish_start`` has
accepted the key; otherwise the connection is closed before the encoder sends any video. What an accepted
encoder sends goes on, as FLV, to ffmpeg (``packager``), which writes the broadcast's HLS and keeps the
connection's part of the recording (``services.recordings``)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from asgiref.sync import sync_to_async
from pyrtmp import StreamClosedException
from pyrtmp.flv import FLVMediaType, FLVWriter
from pyrtmp.rtmp import RTMPProtocol, SimpleRTMPController
from pyrtmp.session_manager import SessionManager

from sotong.tv.ingest.packager import Packager
from sotong.tv.ingest.restream import restreams_start, restreams_stop, restreams_stop_all
from sotong.tv.models import Broadcast
from sotong.tv.services.ingest import publish_end, publish_start, publishers_gone
from sotong.tv.services.recordings import recording_part_begin
from sotong.tv.services.restream import restream_reset

logger = logging.getLogger(__name__)
INGEST = "embedded"


class LiveStream:
    """An accepted encoder's stream: its key, its public name, the FLV framing and its ffmpeg."""

    def __init__(self, key: str, name: str, folder: Path, *, record_to: Path | None = None) -> None:
        self.key, self.name = key, name
        self.flv = FLVWriter()
        self.packager = Packager(folder, record_to=record_to)

    async def start(self) -> None:
        await self.packager.start()
        await self.packager.write(self.flv.write_header())

    async def write(self, timestamp: int, payload: bytes, media_type: FLVMediaType) -> None:
        await self.packager.write(self.flv.write(timestamp, payload, media_type))


def _address(session: SessionManager) -> str | None:
    try:
        return str(session.writer.get_extra_info("peername")[0])
    except (TypeError, IndexError):
        return None


class IngestController(SimpleRTMPController):
    def __init__(self, hls_root: Path) -> None:
        self.hls_root = hls_root
        super().__init__()

    async def on_ns_publish(self, session: SessionManager, message: Any) -> None:
        key = str(message.publishing_name or "")
        decision = await sync_to_async(publish_start)(key, remote_addr=_address(session), ingest=INGEST)
        if not decision.accepted:
            logger.warning("Refused a publish from %s: %s", _address(session), decision.outcome)
            raise StreamClosedException(decision.outcome)
        assert decision.broadcast is not None
        record_to = await self._recording_part(decision.broadcast)
        stream = LiveStream(
            key, decision.stream_name, self.hls_root / decision.stream_name, record_to=record_to
        )
        session.state = stream
        await stream.start()
        restreams_start(stream.name, decision.broadcast.pk, stream.packager.folder)
        logger.info("Live: %s from %s", decision.stream_name, _address(session))
        await super().on_ns_publish(session, message)

    async def _recording_part(self, broadcast: Broadcast) -> Path | None:
        try:
            return await sync_to_async(recording_part_begin)(broadcast=broadcast)
        except OSError:
            # The broadcast goes on air all the same; the control page shows no recording for it.
            logger.exception("Cannot record %s", broadcast.pk)
            return None

    def _stream(self, session: SessionManager) -> LiveStream | None:
        return session.state if isinstance(session.state, LiveStream) else None

    async def on_metadata(self, session: SessionManager, message: Any) -> None:
        if stream := self._stream(session):
            await stream.write(0, message.to_raw_meta(), FLVMediaType.OBJECT)

    async def on_video_message(self, session: SessionManager, message: Any) -> None:
        if stream := self._stream(session):
            await stream.write(message.timestamp, message.payload, FLVMediaType.VIDEO)

    async def on_audio_message(self, session: SessionManager, message: Any) -> None:
        if stream := self._stream(session):
            await stream.write(message.timestamp, message.payload, FLVMediaType.AUDIO)

    async def cleanup(self, session: SessionManager) -> None:
        stream = self._stream(session)
        session.state = None
        if stream is None:
            return
        # The destinations first: the packager's end of playlist would read to them as a failure.
        await restreams_stop(stream.name)
        await stream.packager.close()
        await sync_to_async(publish_end)(stream.key, remote_addr=_address(session), ingest=INGEST)
        logger.info("Ended: %s", stream.name)


async def serve(host: str, port: int, hls_root: Path, *, ready: Any = None) -> None:
    """Serve until cancelled. What an earlier run of this ingest left marked as connected (it was killed) is
    released first, and what this one has connected when it stops is released last."""
    hls_root.mkdir(parents=True, exist_ok=True)
    released = await sync_to_async(publishers_gone)(ingest=INGEST)
    await sync_to_async(restream_reset)()
    if released:
        logger.warning("Released %d broadcast(s) left connected by an earlier run of the ingest", released)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: RTMPProtocol(controller=IngestController(hls_root)), host=host, port=port
    )
    async with server:
        await server.start_serving()
        logger.info("RTMP ingest on rtmp://%s:%s/live", host, port)
        if ready is not None:
            ready()
        try:
            await server.serve_forever()
        finally:
            # Stopped (SIGTERM, Ctrl-C): the encoders' connections end with this process.
            await asyncio.shield(restreams_stop_all())
            await asyncio.shield(sync_to_async(publishers_gone)(ingest=INGEST))
