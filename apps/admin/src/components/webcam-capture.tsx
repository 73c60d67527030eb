'use client';

// Webcam capture for enrollment: a live preview with a face guide and lighting/sharpness hints
// measured in the browser, and a Capture button that hands a JPEG to the enrollment list.
import { useEffect, useRef, useState } from 'react';
import { measureFrame, type FrameHints } from '../lib/frame-hints';
import { Dialog } from './dialog';

function cameraError(error: unknown): string {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError') return 'Camera access was denied. Allow the camera for this site in the browser settings, then try again.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera was found. Connect one, or drop photos instead.';
  if (name === 'NotReadableError') return 'The camera is in use by another application. Close it and try again.';
  return 'The camera could not be started. Drop photos instead, or try another browser.';
}

function CameraView({ onCapture, onClose }: { onCapture: (file: File) => void; onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const [hints, setHints] = useState<FrameHints | null>(null);
  const [captured, setCaptured] = useState(0);

  useEffect(() => {
    if (!navigator.mediaDevices?.getUserMedia) {
      setError('Webcam capture needs a secure connection (HTTPS or localhost). Drop photos instead.');
      return;
    }
    let stream: MediaStream | null = null;
    let stopped = false;
    navigator.mediaDevices
      .getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 }, facingMode: 'user' }, audio: false })
      .then(async (media) => {
        if (stopped) {
          media.getTracks().forEach((track) => track.stop());
          return;
        }
        stream = media;
        if (video.current) {
          video.current.srcObject = media;
          await video.current.play().catch(() => undefined);
          setReady(true);
        }
      })
      .catch((failure: unknown) => setError(cameraError(failure)));
    return () => {
      stopped = true;
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);

  // Hints twice a second from a 160 px wide grey copy of the frame.
  useEffect(() => {
    if (!ready) return;
    const canvas = document.createElement('canvas');
    const timer = setInterval(() => {
      const source = video.current;
      if (!source || source.videoWidth === 0) return;
      canvas.width = 160;
      canvas.height = Math.round((160 * source.videoHeight) / source.videoWidth);
      const context = canvas.getContext('2d', { willReadFrequently: true });
      if (!context) return;
      context.drawImage(source, 0, 0, canvas.width, canvas.height);
      setHints(measureFrame(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height));
    }, 500);
    return () => clearInterval(timer);
  }, [ready]);

  function capture() {
    const source = video.current;
    if (!source || source.videoWidth === 0) return;
    const canvas = document.createElement('canvas');
    canvas.width = source.videoWidth;
    canvas.height = source.videoHeight;
    canvas.getContext('2d')?.drawImage(source, 0, 0);
    canvas.toBlob(
      (blob) => {
        if (!blob) return;
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        onCapture(new File([blob], `webcam-${stamp}.jpg`, { type: 'image/jpeg' }));
        setCaptured((n) => n + 1);
      },
      'image/jpeg',
      0.92,
    );
  }

  return (
    <>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : (
        <div className="camera">
          <video ref={video} muted playsInline aria-label="Camera preview" />
          <div className="camera-guide" aria-hidden="true" />
        </div>
      )}
      {!error && (
        <div aria-live="polite" className="camera-hints">
          {!ready ? (
            <p role="status">Starting the camera…</p>
          ) : hints && hints.problems.length > 0 ? (
            <ul>
              {hints.problems.map((problem) => (
                <li key={problem} className="warn-text">
                  {problem}
                </li>
              ))}
            </ul>
          ) : (
            <p className="ok-text">Lighting and sharpness look good. Face the camera inside the oval, alone.</p>
          )}
          {captured > 0 && (
            <p className="muted small">
              {captured} {captured === 1 ? 'photo' : 'photos'} captured; see the results below the drop zone.
            </p>
          )}
        </div>
      )}
      <div className="actions">
        {!error && (
          <button type="button" className="button" onClick={capture} disabled={!ready}>
            Capture
          </button>
        )}
        <button type="button" className="button button-quiet" onClick={onClose}>
          Done
        </button>
      </div>
    </>
  );
}

export function WebcamCapture({ onCapture }: { onCapture: (file: File) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button button-quiet" onClick={() => setOpen(true)}>
        Use the webcam…
      </button>
      <Dialog open={open} title="Capture from the webcam" onClose={() => setOpen(false)}>
        {open && <CameraView onCapture={onCapture} onClose={() => setOpen(false)} />}
      </Dialog>
    </>
  );
}
