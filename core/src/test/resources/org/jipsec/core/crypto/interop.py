# Reference computations with python-cryptography / hashlib for PythonInteropTest.
# Input lines: "<alg> <key> <iv> <aad> <data>" (hex, '-' for empty); output: one hex line per input ('-' if empty).
import sys, hmac, hashlib, warnings
warnings.simplefilter("ignore")
from cryptography.hazmat.primitives.ciphers import Cipher, modes
from cryptography.hazmat.primitives.ciphers import algorithms as A
from cryptography.hazmat.primitives.ciphers.aead import AESCCM, AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.cmac import CMAC
try:
    from cryptography.hazmat.decrepit.ciphers import algorithms as D
except ImportError:
    D = A

def cbc(alg, key, iv, data):
    e = Cipher(alg(key), modes.CBC(iv)).encryptor()
    return e.update(data) + e.finalize()

def run(alg, key, iv, aad, data):
    if alg == "aes-cbc": return cbc(A.AES, key, iv, data)
    if alg == "3des-cbc": return cbc(D.TripleDES, key, iv, data)
    if alg == "blowfish-cbc": return cbc(D.Blowfish, key, iv, data)
    if alg == "cast128-cbc": return cbc(D.CAST5, key, iv, data)
    if alg == "camellia-cbc": return cbc(A.Camellia, key, iv, data)
    if alg == "aes-ctr":  # RFC 3686 §4 counter block
        e = Cipher(A.AES(key[:-4]), modes.CTR(key[-4:] + iv + b"\x00\x00\x00\x01")).encryptor()
        return e.update(data) + e.finalize()
    if alg.startswith("aes-gcm-"):
        n = int(alg[8:])
        out = AESGCM(key[:-4]).encrypt(key[-4:] + iv, data, aad)
        return out[:len(data)] + out[len(data):len(data) + n]
    if alg == "aes-gmac":  # RFC 4543 §3.3: AAD = SPI || seq || IV || payload, nothing encrypted
        return data + AESGCM(key[:-4]).encrypt(key[-4:] + iv, b"", aad + iv + data)
    if alg.startswith("aes-ccm-"):
        return AESCCM(key[:-3], tag_length=int(alg[8:])).encrypt(key[-3:] + iv, data, aad)
    if alg == "chacha20-poly1305":
        return ChaCha20Poly1305(key[:-4]).encrypt(key[-4:] + iv, data, aad)
    macs = {"hmac-md5": ("md5", 12), "hmac-sha1": ("sha1", 12), "hmac-sha256": ("sha256", 16),
            "hmac-sha384": ("sha384", 24), "hmac-sha512": ("sha512", 32), "hmac-ripemd160": ("ripemd160", 12)}
    if alg in macs:
        d, n = macs[alg]
        return hmac.new(key, data, d).digest()[:n]
    if alg == "aes-cmac-96":
        c = CMAC(A.AES(key)); c.update(data); return c.finalize()[:12]
    raise SystemExit("unknown " + alg)

h = lambda s: b"" if s == "-" else bytes.fromhex(s)
for line in sys.stdin:
    alg, key, iv, aad, data = line.split()
    out = run(alg, h(key), h(iv), h(aad), h(data))
    print(out.hex() or "-", flush=True)
