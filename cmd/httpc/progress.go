package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progressInterval is how often the progress meter is redrawn.
const progressInterval = 200 * time.Millisecond

// progress is the meter drawn on stderr while -o writes a body: bytes,
// rate and, when the length is known, a bar, a percentage and the ETA.
type progress struct {
	w     io.Writer
	total int64 // -1 when unknown
	n     int64
	start time.Time
	last  time.Time
	now   func() time.Time
	width int // of the last line drawn, to blank its rest
}

func newProgress(w io.Writer, total int64) *progress {
	p := &progress{w: w, total: total, now: time.Now}
	p.start = p.now()
	return p
}

// add counts n more bytes and redraws if it is time.
func (p *progress) add(n int) {
	p.n += int64(n)
	if t := p.now(); t.Sub(p.last) >= progressInterval {
		p.last = t
		p.draw()
	}
}

// finish draws the final state and ends the line.
func (p *progress) finish() {
	p.draw()
	io.WriteString(p.w, "\n")
}

func (p *progress) draw() {
	line := renderProgress(p.n, p.total, p.now().Sub(p.start))
	pad := ""
	if len(line) < p.width {
		pad = strings.Repeat(" ", p.width-len(line))
	}
	p.width = len(line)
	io.WriteString(p.w, "\r"+line+pad)
}

// renderProgress formats one state of the meter:
//
//	 42% [========>           ]  1.2 MiB / 2.9 MiB  350.0 KiB/s  ETA 0:05
//	1.2 MiB  350.0 KiB/s  0:03
func renderProgress(n, total int64, elapsed time.Duration) string {
	var rate float64
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(n) / s
	}
	if total < 0 {
		return fmt.Sprintf("%s  %s/s  %s", byteSize(float64(n)), byteSize(rate), clock(elapsed))
	}
	const barWidth = 20
	frac := 1.0
	if total > 0 {
		frac = min(float64(n)/float64(total), 1)
	}
	filled := int(frac * barWidth)
	bar := strings.Repeat("=", filled)
	if filled < barWidth {
		bar += ">" + strings.Repeat(" ", barWidth-filled-1)
	}
	eta := "--:--"
	if n >= total {
		eta = clock(0)
	} else if rate > 0 {
		eta = clock(time.Duration(float64(total-n) / rate * float64(time.Second)))
	}
	return fmt.Sprintf("%3d%% [%s] %s / %s  %s/s  ETA %s",
		int(frac*100), bar, byteSize(float64(n)), byteSize(float64(total)), byteSize(rate), eta)
}

// byteSize formats a byte count with binary units.
func byteSize(b float64) string {
	const unit = 1024
	if b < unit {
		return fmt.Sprintf("%d B", int64(b))
	}
	units := []string{"KiB", "MiB", "GiB", "TiB"}
	i := -1
	for b >= unit && i < len(units)-1 {
		b /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", b, units[i])
}

// clock formats a duration as m:ss, or h:mm:ss from an hour.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// progressWriter passes writes to w and counts them on p.
type progressWriter struct {
	w io.Writer
	p *progress
}

func (pw *progressWriter) Write(b []byte) (int, error) {
	n, err := pw.w.Write(b)
	pw.p.add(n)
	return n, err
}
