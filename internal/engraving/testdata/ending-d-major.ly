\version "2.24.0"
% Opens on the dominant seventh, ends on the tonic: D major.
\header { tagline = ##f }
\score {
  \new PianoStaff <<
    \new Staff { \key d \major \time 4/4 <g' a' cis''>2 <fis' a' d''>2 | <e' g' b'>2 <e' g' cis''>2 | <fis' a' d''>1 \bar "|." }
    \new Staff { \clef bass \key d \major a,2 d2 | g,2 a,2 | d,1 \bar "|." }
  >>
}
