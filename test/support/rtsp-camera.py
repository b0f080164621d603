#!/usr/bin/python3
"""A real RTSP test camera for Vigil's tests (GstRtspServer, RTP over TCP or UDP).

Usage: rtsp-camera.py --port 8554 [--file clip.mp4 | --pattern smpte] [--path /cam] [--user u --password p]
Serves an H.264 file (looped) or a test pattern and prints "READY rtsp://127.0.0.1:PORT/PATH" once listening.
"""
import argparse, signal, sys
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
a = ap.parse_args()

Gst.init(None)
if a.file:
    # Re-muxes the file's H.264 without re-encoding; the media is shared so every client sees one timeline.
    launch = f'( filesrc location="{a.file}" ! qtdemux ! h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96 )'
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
server.get_mount_points().add_factory(a.path, factory)
if server.attach(None) == 0:
    print("FAILED to bind", file=sys.stderr, flush=True)
    sys.exit(2)
loop = GLib.MainLoop()
signal.signal(signal.SIGTERM, lambda *_: loop.quit())
signal.signal(signal.SIGINT, lambda *_: loop.quit())
print(f"READY rtsp://127.0.0.1:{a.port}{a.path}", flush=True)
loop.run()
