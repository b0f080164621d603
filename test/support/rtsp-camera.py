#!/usr/bin/python3
"""A real RTSP test camera for Vigil's tests (GstRtspServer, RTP over TCP or UDP).

Usage: rtsp-camera.py --port 8554 [--file clip.mp4 | --pattern smpte | --stamp] [--path /cam] [--user u --password p]
Serves an H.264 file (looped) or a test pattern and prints "READY rtsp://127.0.0.1:PORT/PATH" once listening.
--stamp: a picture that carries the wall clock of its capture, to the millisecond, as two identical rows
of STAMP_BITS black/white blocks (most significant bit first, STAMP_BLOCK px each, from STAMP_X0/STAMP_Y0)
in the top-left corner: a viewer reads it back to measure glass-to-glass latency (bench/live-view.ts).
"""
import argparse, signal, sys, time
import gi
gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import Gst, GstRtspServer, GLib

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, default=8554)
ap.add_argument("--path", default="/cam")
ap.add_argument("--file")
ap.add_argument("--pattern", default="smpte")
ap.add_argument("--width", type=int, default=1280)
ap.add_argument("--height", type=int, default=720)
ap.add_argument("--fps", type=int, default=25)
ap.add_argument("--gop", type=int, default=25)
ap.add_argument("--user")
ap.add_argument("--password")
ap.add_argument("--stamp", action="store_true")
a = ap.parse_args()

STAMP_BITS, STAMP_BLOCK, STAMP_X0, STAMP_Y0 = 44, 20, 8, 8

Gst.init(None)
if a.file:
    # Re-muxes the file's H.264 without re-encoding; the media is shared so every client sees one timeline.
    launch = f'( filesrc location="{a.file}" ! qtdemux ! h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96 )'
elif a.stamp:
    # Frames are made here (appsrc), so the stamp is the time each one enters the encoder.
    launch = (f"( appsrc name=src is-live=true format=time do-timestamp=true caps=video/x-raw,format=I420,width={a.width},height={a.height},framerate={a.fps}/1 "
              f"! clockoverlay halignment=right valignment=bottom ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={a.gop} option-string=scenecut=0 ! h264parse ! rtph264pay name=pay0 pt=96 )")
else:
    launch = (f"( videotestsrc is-live=true pattern={a.pattern} ! video/x-raw,width={a.width},height={a.height},framerate={a.fps}/1 "
              f"! clockoverlay ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={a.gop} option-string=scenecut=0 ! h264parse ! rtph264pay name=pay0 pt=96 )")

server = GstRtspServer.RTSPServer()
server.set_service(str(a.port))
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(launch)
factory.set_shared(True)
if a.file:
    factory.set_eos_shutdown(False)
if a.user:
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string("media.factory.role", a.user)
    auth.add_basic(GstRtspServer.RTSPAuth.make_basic(a.user, a.password or ""), token)
    server.set_auth(auth)
    perms = GstRtspServer.RTSPPermissions()
    perms.add_permission_for_role(a.user, "media.factory.access", True)
    perms.add_permission_for_role(a.user, "media.factory.construct", True)
    factory.set_permissions(perms)
if a.stamp:
    import numpy as np

    def on_configure(_factory, media):
        src = media.get_element().get_child_by_name("src")
        w, h = a.width, a.height
        base = np.full((h * 3 // 2, w), 128, dtype=np.uint8)
        base[:h, :] = np.linspace(40, 200, w, dtype=np.uint8)[None, :]
        state = {"n": 0, "gone": False}
        media.connect("unprepared", lambda *_: state.update(gone=True))

        def push():
            if state["gone"]:
                return False
            frame = base.copy()
            x = (state["n"] * 8) % (w - 32)
            frame[STAMP_Y0 * 2 + STAMP_BLOCK * 2 + 8:h, x:x + 32] = 235  # something that moves
            now = int(time.time() * 1000)
            for row in range(2):
                y = STAMP_Y0 + row * (STAMP_BLOCK + 8)
                frame[y - 4:y + STAMP_BLOCK + 4, STAMP_X0 - 4:STAMP_X0 + STAMP_BITS * STAMP_BLOCK + 4] = 128
                for i in range(STAMP_BITS):
                    bit = (now >> (STAMP_BITS - 1 - i)) & 1
                    frame[y:y + STAMP_BLOCK, STAMP_X0 + i * STAMP_BLOCK:STAMP_X0 + (i + 1) * STAMP_BLOCK] = 235 if bit else 16
            state["n"] += 1
            src.emit("push-buffer", Gst.Buffer.new_wrapped(frame.tobytes()))
            return True

        GLib.timeout_add(max(1, int(1000 / a.fps)), push)

    factory.connect("media-configure", on_configure)
server.get_mount_points().add_factory(a.path, factory)
if server.attach(None) == 0:
    print("FAILED to bind", file=sys.stderr, flush=True)
    sys.exit(2)
loop = GLib.MainLoop()
signal.signal(signal.SIGTERM, lambda *_: loop.quit())
signal.signal(signal.SIGINT, lambda *_: loop.quit())
print(f"READY rtsp://127.0.0.1:{a.port}{a.path}", flush=True)
loop.run()
