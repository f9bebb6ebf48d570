\version "2.24.0"
% Opens on the dominant, ends on a bare tonic octave: A-flat major.
\header { tagline = ##f }
\score {
  \new PianoStaff <<
    \new Staff { \key as \major \time 4/4 <es' g' bes' des''>1 | <es' as' c''>2 <des' g' bes'>2 | <as' as''>1 \bar "|." }
    \new Staff { \clef bass \key as \major es1 | c2 es2 | as,1 \bar "|." }
  >>
}
