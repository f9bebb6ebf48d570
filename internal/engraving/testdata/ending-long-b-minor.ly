\version "2.24.0"
% Two pages: opens on the subdominant of B minor, ends on its tonic after its raised
% leading note (A sharp).
\header { tagline = ##f }
\paper { #(set-paper-size "a6") }
\score {
  \new PianoStaff <<
    \new Staff { \key b \minor \time 4/4
      \repeat unfold 18 { <e' g' b'>4 <d' fis' b'>4 <cis' e' ais'>4 <d' fis' b'>4 | }
      <e' g' b'>2 <cis' fis' ais'>2 | <d' fis' b'>1 \bar "|." }
    \new Staff { \clef bass \key b \minor
      \repeat unfold 18 { e4 b,4 fis,4 b,4 | }
      e2 fis2 | b,1 \bar "|." }
  >>
}
