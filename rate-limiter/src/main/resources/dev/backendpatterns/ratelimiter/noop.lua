-- The ceiling of one script round trip per decision: no state, no clock, always allowed.
return 1
