# SPDX-License-Identifier: MIT
# The calibration of the Korean history, in one place (sourced by scripts/calibrate.sh and
# scripts/backtest.sh; docs/validation.md, "Calibration"). The free parameters are the ones
# that hold one value over the whole history (the same prior in every window) and that the
# record's DPRK acts can speak to: its choice (rationality, audience cost, threat bias), the
# costs of a test and of fire across the line, the incident/clash/war chain, and the campaign
# mechanism. The windows' context (relations, readiness, sanctions, campaign shares) stays a
# dated prior per window: it is data, not fitted per year.
KOREA_WINDOWS=(2006 2009 2012 2013 2014 2016 2017 2018 2019 2022_history)
KOREA_FREE=dprk_activity,dprk_campaign_activity,kji_campaign_activity,dprk_rationality,dprk_audience_cost,dprk_threat_bias,nuclear_test_cost,border_attack_cost,incident_base,war_prob,attack_hazard,campaign_drive,srbm_campaign_start,other_campaign_start,nuclear_campaign_start,icbm_min_readiness,nuclear_min_readiness,moratorium_cost,dismantlement_cost,kju_campaign_scale
# IF2 and slice settings: KOREA_FIT_SETTINGS overrides them (e.g. smaller for the backtest).
KOREA_FIT_SETTINGS=${KOREA_FIT_SETTINGS:-"--particles 1000 --iterations 30 --slice-points 7 --slice-particles 1000 --slice-replicates 4 --draws 1000"}

# korea_windows_before DATE: the --history/positional list of window files starting before DATE.
korea_windows_before() {
  local w start
  for w in "${KOREA_WINDOWS[@]}"; do
    start=$(sed -n 's/^time: {.*start: \([0-9-]*\)}.*/\1/p' "scenarios/korea/$w.yaml")
    if [[ "$start" < "$1" ]]; then echo "scenarios/korea/$w.yaml"; fi
  done
}
