\version "2.24.0"
% A full page of piano music in several systems; A-flat major, the first system indented.
\header { title = "Impromptu" composer = "Test" tagline = ##f }
rh = { \key as \major \time 4/4 \repeat unfold 12 { <as' c'' es''>4 es'' c'' as' | <g' bes' es''>4 es'' des'' bes' | } }
lh = { \clef bass \key as \major \repeat unfold 12 { as,4 es as c' | es4 g bes es' | } }
\score { \new PianoStaff << \new Staff \rh \new Staff \lh >> }
