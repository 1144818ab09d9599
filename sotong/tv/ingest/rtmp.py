"""The embedded RTMP ingest: an encoder connects to ``rtmp://host:port/live`` with the broadcast's stream
key as the stream name. The publish command is answered only once ``services.ingest.publish_start`` has
accepted the key; otherwise the connection is closed before the encoder sends any video. What an accepted
encoder sends goes to the broadcast's ``Program`` (one ffmpeg writing its HLS for as long as it is on air,
with the fallback slate whenever the encoder stalls or drops: decision 0079) and, untouched, to the
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

from sotong.tv.ingest.packager import Recorder, hls_end, hls_open
from sotong.tv.ingest.program import Program, slate_lines
from sotong.tv.ingest.restream import restreams_start, restreams_stop, restreams_stop_all
from sotong.tv.ingest.slate import Tag
from sotong.tv.ingest.watch import Change
from sotong.tv.models import Broadcast
from sotong.tv.services.health import signal_back, signal_given_up, signal_grace_expired, signal_lost
from sotong.tv.services.ingest import live_broadcast_ids, publish_end, publish_start, publishers_gone
from sotong.tv.services.recordings import recording_part_begin
from sotong.tv.services.restream import restream_reset

logger = logging.getLogger(__name__)
INGEST = "embedded"


async def _report(broadcast_id: int, change: Change, cause: str) -> None:
    if change is Change.LOST:
        await sync_to_async(signal_lost)(broadcast_id=broadcast_id, cause=cause)
    elif change is Change.BACK:
        await sync_to_async(signal_back)(broadcast_id=broadcast_id)
    else:
        await sync_to_async(signal_given_up)(broadcast_id=broadcast_id)


class Station:
    """The broadcasts on air in this process, each with its program, which outlives any one connection."""

    def __init__(self, hls_root: Path) -> None:
        self.hls_root = hls_root
        self.programs: dict[int, Program] = {}
        self._lines: tuple[str, ...] | None = None

    async def lines(self) -> tuple[str, ...]:
        if self._lines is None:
            from sotong.organisation.selectors import current_district

            district = await sync_to_async(current_district)()
            self._lines = slate_lines(district.name_ko if district is not None else "")
        return self._lines

    async def program(self, broadcast_id: int, name: str) -> Program:
        program = self.programs.get(broadcast_id)
        if program is None or program.closed:
            program = Program(
                broadcast_id=broadcast_id,
                name=name,
                folder=self.hls_root / name,
                lines=await self.lines(),
                report=_report,
                on_off=self._off,
            )
            self.programs[broadcast_id] = program
        restreams_start(name, broadcast_id, program.folder)  # once per name: a reconnect changes nothing
        return program

    async def _off(self, program: Program) -> None:
        if self.programs.get(program.broadcast_id) is program:
            del self.programs[program.broadcast_id]
        # The destinations first: the end of the playlists would read to them as a failure.
        await restreams_stop(program.name)

    async def resume(self) -> int:
        """Start-up: the live broadcasts an earlier `sotong tv` left on air (their playlists open) go on, on the
        slate, until their encoders reconnect or the grace period runs out."""
        resumed = 0
        for pk in await sync_to_async(live_broadcast_ids)():
            folder = self.hls_root / f"b{pk}"
            if not hls_open(folder):
                continue
            if await sync_to_async(signal_grace_expired)(broadcast_id=pk):
                await sync_to_async(signal_given_up)(broadcast_id=pk)
                hls_end(folder)
                continue
            program = await self.program(pk, f"b{pk}")
            await program.start(resume=True)
            resumed += 1
        return resumed

    async def stop_all(self) -> None:
        await asyncio.gather(
            *(program.stop(final=False) for program in list(self.programs.values())), return_exceptions=True
        )


class LiveStream:
    """An accepted encoder's connection: its key, the broadcast's program and this connection's recording."""

    def __init__(self, key: str, program: Program, *, record_to: Path | None = None) -> None:
        self.key, self.program = key, program
        self.name = program.name
        self.flv = FLVWriter()
        self.recorder = Recorder(record_to) if record_to is not None else None
        self.deliberate = False  # the encoder said it stops (deleteStream), rather than dropping

    async def start(self) -> None:
        self.program.attach()
        if self.recorder is not None:
            await self.recorder.start()
            await self.recorder.write(self.flv.write_header())

    async def write(self, timestamp: int, payload: bytes, media_type: FLVMediaType) -> None:
        if self.recorder is not None:
            await self.recorder.write(self.flv.write(timestamp, payload, media_type))
        if media_type != FLVMediaType.OBJECT:
            await self.program.media(Tag(int(media_type), timestamp, payload))

    async def close(self) -> None:
        if self.recorder is not None:
            await self.recorder.close()
        await self.program.detach(deliberate=self.deliberate)


def _address(session: SessionManager) -> str | None:
    try:
        return str(session.writer.get_extra_info("peername")[0])
    except (TypeError, IndexError):
        return None


class IngestController(SimpleRTMPController):
    def __init__(self, station: Station) -> None:
        self.station = station
        super().__init__()

    async def on_ns_publish(self, session: SessionManager, message: Any) -> None:
        key = str(message.publishing_name or "")
        decision = await sync_to_async(publish_start)(key, remote_addr=_address(session), ingest=INGEST)
        if not decision.accepted:
            logger.warning("Refused a publish from %s: %s", _address(session), decision.outcome)
            raise StreamClosedException(decision.outcome)
        assert decision.broadcast is not None
        record_to = await self._recording_part(decision.broadcast)
        program = await self.station.program(decision.broadcast.pk, decision.stream_name)
        stream = LiveStream(key, program, record_to=record_to)
        session.state = stream
        await stream.start()
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
            stream.program.learn(getattr(message, "meta", None))
            await stream.write(0, message.to_raw_meta(), FLVMediaType.OBJECT)

    async def on_video_message(self, session: SessionManager, message: Any) -> None:
        if stream := self._stream(session):
            await stream.write(message.timestamp, message.payload, FLVMediaType.VIDEO)

    async def on_audio_message(self, session: SessionManager, message: Any) -> None:
        if stream := self._stream(session):
            await stream.write(message.timestamp, message.payload, FLVMediaType.AUDIO)

    async def on_ns_close_stream(self, session: SessionManager, message: Any) -> None:
        if stream := self._stream(session):
            stream.deliberate = True

    async def on_ns_delete_stream(self, session: SessionManager, message: Any) -> None:
        if stream := self._stream(session):
            stream.deliberate = True

    async def cleanup(self, session: SessionManager) -> None:
        stream = self._stream(session)
        session.state = None
        if stream is None:
            return
        await stream.close()
        await sync_to_async(publish_end)(stream.key, remote_addr=_address(session), ingest=INGEST)
        logger.info("Encoder gone from %s (%s)", stream.name, "stopped" if stream.deliberate else "dropped")


async def serve(host: str, port: int, hls_root: Path, *, ready: Any = None) -> None:
    """Serve until cancelled. What an earlier run of this ingest left marked as connected (it was killed) is
    released first, and its broadcasts still on air go on (on the slate, until their encoders are back); what
    this one has connected when it stops is released last, its playlists left open for the next run."""
    hls_root.mkdir(parents=True, exist_ok=True)
    released = await sync_to_async(publishers_gone)(ingest=INGEST)
    await sync_to_async(restream_reset)()
    if released:
        logger.warning("Released %d broadcast(s) left connected by an earlier run of the ingest", released)
    station = Station(hls_root)
    if resumed := await station.resume():
        logger.warning("Resumed %d broadcast(s) on the slate, waiting for their encoders", resumed)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: RTMPProtocol(controller=IngestController(station)), host=host, port=port
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
            await asyncio.shield(station.stop_all())
            await asyncio.shield(restreams_stop_all())
            await asyncio.shield(sync_to_async(publishers_gone)(ingest=INGEST))
