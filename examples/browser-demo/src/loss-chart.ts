// A small live line chart of the training loss per epoch (training and validation), on a canvas.
const SERIES = [
  { key: 'loss', color: '#2563eb', label: 'train' },
  { key: 'val', color: '#ea580c', label: 'validation' },
] as const;

export class LossChart {
  private points: { loss: number; val: number }[] = [];
  constructor(private readonly canvas: HTMLCanvasElement) {}

  reset(): void {
    this.points = [];
    this.draw();
  }

  push(loss: number, val: number): void {
    this.points.push({ loss, val });
    this.draw();
  }

  private draw(): void {
    const { canvas } = this;
    const ctx = canvas.getContext('2d')!;
    const { width: w, height: h } = canvas;
    ctx.clearRect(0, 0, w, h);
    ctx.strokeStyle = '#d0d4dc';
    ctx.strokeRect(0.5, 0.5, w - 1, h - 1);
    ctx.font = '11px system-ui, sans-serif';
    const all = this.points.flatMap((p) => [p.loss, p.val]).filter(Number.isFinite);
    if (all.length === 0) {
      ctx.fillStyle = '#888';
      ctx.fillText('loss per epoch appears here', 8, h / 2);
      return;
    }
    const max = Math.max(...all);
    const min = Math.min(...all);
    const span = max - min || 1;
    const n = Math.max(this.points.length - 1, 1);
    for (const s of SERIES) {
      ctx.strokeStyle = s.color;
      ctx.fillStyle = s.color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      this.points.forEach((p, i) => {
        const v = p[s.key];
        const px = 6 + (i / n) * (w - 12);
        const py = 6 + (1 - (v - min) / span) * (h - 26);
        if (i === 0) ctx.moveTo(px, py);
        else ctx.lineTo(px, py);
        ctx.fillRect(px - 1.5, py - 1.5, 3, 3);
      });
      ctx.stroke();
    }
    const last = this.points[this.points.length - 1]!;
    ctx.fillStyle = '#333';
    ctx.fillText(
      `epoch ${this.points.length}: train ${last.loss.toFixed(3)}, validation ${last.val.toFixed(3)}`,
      8,
      h - 7,
    );
  }
}
