"""The teaching dashboard (Solara): 独角戏 vs 大合唱 side by side. `cogov dashboard`."""
