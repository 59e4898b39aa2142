"""A Home Assistant-like Wyoming client in Python, for conformance tests of Jarvis's server.

It restates the reference's algorithms (rhasspy/wyoming event.py async_read_event / async_write_event,
info.py + util/dataclasses_json.py from_dict's required fields) with the standard library only, since the
`wyoming` package itself cannot be installed here. Usage: reference_peer.py PORT WAV_16K_MONO; prints one
JSON object with what it saw.
"""
import asyncio
import json
import sys
import wave

VERSION = "1.7.2"


async def read_event(reader):
    # event.py async_read_event: a JSON line, then data_length bytes merged over data, then payload_length bytes.
    line = await reader.readline()
    if not line:
        return None
    event = json.loads(line)
    data_length = event.get("data_length")
    if data_length is not None and data_length > 0:
        data = event.get("data", {})
        data.update(json.loads(await reader.readexactly(data_length)))
        event["data"] = data
    payload = None
    payload_length = event.get("payload_length")
    if payload_length is not None and payload_length > 0:
        payload = await reader.readexactly(payload_length)
    return event["type"], event.get("data", {}), payload


async def write_event(writer, etype, data=None, payload=None):
    # event.py async_write_event: header {type, version, data_length?, payload_length?}, then data, then payload.
    header = {"type": etype, "version": VERSION}
    data_bytes = None
    if data:
        data_bytes = json.dumps(data, ensure_ascii=False).encode("utf-8")
        header["data_length"] = len(data_bytes)
    if payload:
        header["payload_length"] = len(payload)
    writer.writelines((json.dumps(header, ensure_ascii=False).encode(), b"\n"))
    if data_bytes:
        writer.write(data_bytes)
    if payload:
        writer.write(payload)
    await writer.drain()


def check_artifact(a, where, children=None, languages=False):
    # DataClassJsonMixin.from_dict: non-Optional fields without defaults must be present.
    problems = []
    for key in ("name", "attribution", "installed"):
        if key not in a:
            problems.append(f"{where}.{key} missing")
    att = a.get("attribution") or {}
    if "name" not in att or "url" not in att:
        problems.append(f"{where}.attribution needs name and url")
    if languages and not isinstance(a.get("languages"), list):
        problems.append(f"{where}.languages missing")
    if children:
        for i, m in enumerate(a.get(children) or []):
            problems += check_artifact(m, f"{where}.{children}[{i}]", languages=True)
        if not isinstance(a.get(children), list):
            problems.append(f"{where}.{children} missing")
    return problems


async def connect(port):
    return await asyncio.open_connection("127.0.0.1", port)


async def describe(port):
    reader, writer = await connect(port)
    await write_event(writer, "describe")
    while True:
        ev = await asyncio.wait_for(read_event(reader), 5)
        if ev is None:
            raise RuntimeError("closed before info")
        if ev[0] == "info":
            writer.close()
            return ev


async def transcribe(port, wav_path):
    # HA stt.py: transcribe, audio-start, audio-chunks (no timestamp), audio-stop, then read until transcript.
    reader, writer = await connect(port)
    await write_event(writer, "transcribe", {"language": "en"})
    with wave.open(wav_path, "rb") as w:
        fmt = {"rate": w.getframerate(), "width": w.getsampwidth(), "channels": w.getnchannels()}
        await write_event(writer, "audio-start", {**fmt, "timestamp": None})
        while True:
            frames = w.readframes(1024)
            if not frames:
                break
            await write_event(writer, "audio-chunk", {**fmt, "timestamp": None}, frames)
    await write_event(writer, "audio-stop", {"timestamp": None})
    seen = []
    while True:
        ev = await asyncio.wait_for(read_event(reader), 30)
        if ev is None:
            raise RuntimeError("closed before transcript")
        seen.append(ev[0])
        if ev[0] == "transcript":
            writer.close()
            return ev[1]["text"], seen


async def handle(port, text, context):
    # HA conversation.py: transcript {text, context, language}; reads until handled / not-handled / error.
    reader, writer = await connect(port)
    await write_event(writer, "transcript", {"text": text, "language": "en", "context": context})
    while True:
        ev = await asyncio.wait_for(read_event(reader), 30)
        if ev is None:
            raise RuntimeError("closed before an answer")
        if ev[0] in ("handled", "not-handled", "error"):
            writer.close()
            return {"type": ev[0], "data": ev[1]}


async def main():
    port = int(sys.argv[1])
    wav_path = sys.argv[2]
    _, info, _ = await describe(port)
    problems = []
    for family, children in (("asr", "models"), ("tts", "voices"), ("handle", "models"), ("intent", "models"), ("wake", "models")):
        for i, program in enumerate(info.get(family, [])):
            problems += check_artifact(program, f"{family}[{i}]", children)
    text, seen = await transcribe(port, wav_path)
    answer = await handle(port, "turn off the light", {"conversation_id": "py-1", "device_id": "dev_kitchen_speaker"})
    print(json.dumps({
        "problems": problems,
        "home_control": [p.get("supports_home_control") for p in info.get("handle", [])],
        "transcript": text,
        "seen": seen,
        "answer": answer,
    }))


asyncio.run(main())
