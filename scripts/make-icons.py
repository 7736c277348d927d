# Draws Signet's icons (an indigo tile with a white check mark) and social preview image into
# public/, without image libraries: run `python3 scripts/make-icons.py` after changing the mark.
import struct, zlib, math, os

INDIGO = (79, 70, 229)
DARK = (30, 27, 75)
WHITE = (255, 255, 255)

def seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))

def mark(u, v):
    """Coverage of the white check at unit coordinates (u, v) in the tile."""
    d = min(seg_dist(u, v, 0.27, 0.53, 0.43, 0.69), seg_dist(u, v, 0.43, 0.69, 0.74, 0.34))
    return d < 0.075

def tile(u, v, r=0.22):
    cu, cv = min(max(u, r), 1 - r), min(max(v, r), 1 - r)
    return math.hypot(u - cu, v - cv) <= r

def render(w, h, pixel, ss=3):
    rows = []
    for y in range(h):
        row = bytearray([0])
        for x in range(w):
            acc = [0, 0, 0, 0]
            for sy in range(ss):
                for sx in range(ss):
                    c = pixel((x + (sx + 0.5) / ss) / w, (y + (sy + 0.5) / ss) / h)
                    for i in range(4):
                        acc[i] += c[i]
            row += bytes(round(a / (ss * ss)) for a in acc)
        rows.append(bytes(row))
    return rows

def png(w, h, rows):
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xFFFFFFFF)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 6, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(b''.join(rows), 9)) + chunk(b'IEND', b'')

def icon_pixel(u, v):
    if not tile(u, v):
        return (0, 0, 0, 0)
    return (*WHITE, 255) if mark(u, v) else (*INDIGO, 255)

def icon(size):
    return png(size, size, render(size, size, icon_pixel))

def social_pixel(u, v):
    # 1200x630: dark indigo, the tile centred at the left third.
    x, y = u * 1200, v * 630
    tu, tv = (x - 150) / 330, (y - 150) / 330
    if 0 <= tu <= 1 and 0 <= tv <= 1 and tile(tu, tv):
        return (*WHITE, 255) if mark(tu, tv) else (*INDIGO, 255)
    # three "receipt" bars to the right, hash-linked
    for i, top in enumerate((190, 285, 380)):
        if 560 <= x <= 1050 - i * 90 and top <= y <= top + 50:
            return (199, 210, 254, 255)
    return (*DARK, 255)

out = os.path.join(os.path.dirname(__file__), '..', 'public')
os.makedirs(out, exist_ok=True)
for name, size in (('icon-192.png', 192), ('icon-512.png', 512), ('apple-touch-icon.png', 180)):
    open(os.path.join(out, name), 'wb').write(icon(size))
# favicon.ico: 16 and 32 px PNG images in an ICO container
images = [icon(16), icon(32)]
header = struct.pack('<HHH', 0, 1, len(images))
offset = 6 + 16 * len(images)
entries = b''
for img, size in zip(images, (16, 32)):
    entries += struct.pack('<BBBBHHII', size, size, 0, 0, 1, 32, len(img), offset)
    offset += len(img)
open(os.path.join(out, 'favicon.ico'), 'wb').write(header + entries + b''.join(images))
open(os.path.join(out, 'og-image.png'), 'wb').write(png(1200, 630, render(1200, 630, social_pixel, ss=1)))
