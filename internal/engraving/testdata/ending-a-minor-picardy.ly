\version "2.24.0"
% Opens on the subdominant, ends on the tonic's major chord (a sharp on its third): A minor.
\header { tagline = ##f }
\score {
  \new PianoStaff <<
    \new Staff { \key a \minor \time 3/4 <d' f' a'>2. | <c' e' a'>4 <b d' gis'>2 | <cis' e' a'>2. \bar "|." }
    \new Staff { \clef bass \key a \minor d2. | e,4 e2 | a,2. \bar "|." }
  >>
}
