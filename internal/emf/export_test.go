package emf

import "time"

// SetNow fixes the clock for golden lines.
func (e *Emitter) SetNow(now func() time.Time) { e.now = now }
