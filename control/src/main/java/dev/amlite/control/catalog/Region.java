package dev.amlite.control.catalog;

import java.util.List;

/**
 * A region of the catalog, with the facts ARM's locations API returns and a price factor over US East. The catalog
 * holds Azure's most used public regions; a paired region may be one it leaves out (Azure's restricted pairs such as
 * France South).
 */
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
                new Region("southeastasia", "Southeast Asia", "Asia Pacific", "Singapore", "1.283", "103.833", "eastasia", 1.12),
                new Region("westus", "West US", "US", "California", "37.783", "-122.417", "eastus", 1.05),
                new Region("westus3", "West US 3", "US", "Phoenix", "33.448376", "-112.074036", "eastus", 1.00),
                new Region("centralus", "Central US", "US", "Iowa", "41.5908", "-93.6208", "eastus2", 1.00),
                new Region("northcentralus", "North Central US", "US", "Illinois", "41.8819", "-87.6278", "southcentralus", 1.00),
                new Region("southcentralus", "South Central US", "US", "Texas", "29.4167", "-98.5", "northcentralus", 1.00),
                new Region("westcentralus", "West Central US", "US", "Wyoming", "40.890", "-110.234", "westus2", 1.04),
                new Region("canadacentral", "Canada Central", "Canada", "Toronto", "43.653", "-79.383", "canadaeast", 1.06),
                new Region("canadaeast", "Canada East", "Canada", "Quebec", "46.817", "-71.217", "canadacentral", 1.06),
                new Region("brazilsouth", "Brazil South", "South America", "Sao Paulo State", "-23.55", "-46.633", "southcentralus", 1.45),
                new Region("uksouth", "UK South", "UK", "London", "50.941", "-0.799", "ukwest", 1.10),
                new Region("ukwest", "UK West", "UK", "Cardiff", "53.427", "-3.084", "uksouth", 1.12),
                new Region("francecentral", "France Central", "Europe", "Paris", "46.3772", "2.3730", "francesouth", 1.12),
                new Region("germanywestcentral", "Germany West Central", "Europe", "Frankfurt", "50.110924", "8.682127", "germanynorth", 1.12),
                new Region("swedencentral", "Sweden Central", "Europe", "Gävle", "60.67488", "17.14127", "swedensouth", 1.06),
                new Region("eastasia", "East Asia", "Asia Pacific", "Hong Kong", "22.267", "114.188", "southeastasia", 1.28),
                new Region("koreacentral", "Korea Central", "Asia Pacific", "Seoul", "37.5665", "126.978", "koreasouth", 1.16),
                new Region("centralindia", "Central India", "Asia Pacific", "Pune", "18.5822", "73.9197", "southindia", 1.02),
                new Region("australiaeast", "Australia East", "Asia Pacific", "New South Wales", "-33.86", "151.2094", "australiasoutheast", 1.22));
    }
}
