\version "2.24.0"
% Opens on the dominant, raises the leading note (F sharp) right before the end: G minor.
\header { tagline = ##f }
\score {
  \new PianoStaff <<
    \new Staff { \key g \minor \time 4/4 <fis' a' d''>2 <g' bes' d''>2 | <es' g' c''>2 <d' fis' a'>2 | <d' g' bes'>1 \bar "|." }
    \new Staff { \clef bass \key g \minor d2 g,2 | c2 d2 | g,1 \bar "|." }
  >>
}
