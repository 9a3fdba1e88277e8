package dev.amlite.control.catalog;

import java.util.List;

/** A region of the catalog, with the facts ARM's locations API returns and a price factor over US East. */
public record Region(String name, String displayName, String geographyGroup, String physicalLocation,
                     String latitude, String longitude, String pairedRegion, double priceFactor) {
    public String regionalDisplayName() {
        return "(" + geographyGroup + ") " + displayName;
    }

    static List<Region> all() {
        return List.of(
                new Region("eastus", "East US", "US", "Virginia", "37.3719", "-79.8164", "westus", 1.00),
                new Region("eastus2", "East US 2", "US", "Virginia", "36.6681", "-78.3889", "centralus", 1.00),
                new Region("westus2", "West US 2", "US", "Washington", "47.233", "-119.852", "westcentralus", 1.00),
                new Region("westeurope", "West Europe", "Europe", "Netherlands", "52.3667", "4.9", "northeurope", 1.08),
                new Region("northeurope", "North Europe", "Europe", "Ireland", "53.3478", "-6.2597", "westeurope", 1.04),
                new Region("japaneast", "Japan East", "Asia Pacific", "Tokyo, Saitama", "35.68", "139.77", "japanwest", 1.18),
                new Region("japanwest", "Japan West", "Asia Pacific", "Osaka", "34.6939", "135.5022", "japaneast", 1.22),
                new Region("southeastasia", "Southeast Asia", "Asia Pacific", "Singapore", "1.283", "103.833", "eastasia", 1.12));
    }
}
